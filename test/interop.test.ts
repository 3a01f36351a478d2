// Interoperability with servers and clients of the original exercises (Python, Go).
// None of those can run here, so each test reproduces on the wire what they do that
// ours do not: servers that send their response headers only with the first message,
// clients that send an empty line on every Enter, a Go client that ends its stream
// before it logs out, tools that load reflected descriptors strictly.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { X509Certificate } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import t, { type Test } from 'tap';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { chat } from './lib/chat';
import { Collector, RawClient, statusOf, type Fields } from './lib/grpc';
import { fileName, readStrictly } from './lib/strict-descriptors';
import { patience, runScript, startClient, startServer } from '../lib/processes';
import { stageOf } from '../lib/stages';
import { forStages } from './lib/stages';

t.jobs = 3; // the stages' blocks run side by side: each starts its own processes

// ---- A server that sends no response headers before its first message ---------

// What one stage's client needs from a server, and what it prints.
interface Script {
  proto: string;
  service: string;
  unary: Record<string, (request: Fields) => Fields>; // canned answers, by method
  args: (address: string) => string[];
  answers: string[]; // lines the client asks for before it chats (a name, a room)
  say?: (text: string) => string; // a chat line as typed, if not just the text
  ready: RegExp; // the client says it is ready to type
  typed: (request: Fields) => string | undefined; // the chat text in a request, if any
  echo: (text: string) => Fields; // a message our server then streams back
  shown: (text: string) => RegExp; // how the client prints that message
}

const ts = () => ({ seconds: String(Math.floor(Date.now() / 1000)), nanos: 0 });
const chatLine = (request: Fields) => (typeof request.msg === 'string' ? request.msg : undefined);
const usernames = (msg: string) => ({ msg: `echo ${msg}`, user: { username: 'bob' } });

// By stage folder (lib/stages.ts).
const SCRIPTS: Record<string, Script> = {
  '01-chat': {
    proto: 'chat.proto', service: 'chat.Chat',
    unary: { SendMessage: () => ({ msg: 'Sent message' }) },
    args: (address) => ['--host', address], answers: [], ready: /Type a message/,
    typed: chatLine, echo: (msg) => ({ msg: `echo ${msg}` }), shown: (msg) => new RegExp(`^>>> echo ${msg}$`),
  },
  'solutions/01-add-user': {
    proto: 'chat.proto', service: 'chat.Chat',
    unary: { AddUser: () => ({ msg: 'Added user' }), SendMessage: () => ({ msg: 'Sent message' }) },
    args: (address) => ['--host', address], answers: ['alice'], ready: /Type a message/,
    typed: chatLine, echo: usernames, shown: (msg) => new RegExp(`^bob: echo ${msg}$`),
  },
  'solutions/02-direct-message': {
    proto: 'chat.proto', service: 'chat.Chat',
    unary: { AddUser: () => ({ msg: 'Added user' }), SendMessage: () => ({ msg: 'Sent message' }) },
    args: (address) => ['--host', address], answers: ['alice'], ready: /Type a message/,
    typed: chatLine, echo: usernames, shown: (msg) => new RegExp(`^bob: echo ${msg}$`),
  },
  'solutions/03-status-code': {
    proto: 'chat.proto', service: 'chat.Chat',
    unary: {
      AddUser: (request) => ({ msg: `User ${String(request.username)} created.`, code: 'ADDED' }),
      SendMessage: () => ({ msg: 'Sent message' }),
    },
    args: (address) => ['--host', address], answers: ['alice'], ready: /Type a message/,
    typed: chatLine, echo: usernames, shown: (msg) => new RegExp(`^bob: echo ${msg}$`),
  },
  'solutions/04-auth-token': {
    proto: 'chat.proto', service: 'chat.Chat',
    unary: { Login: () => ({ token: 'a-token' }), Logout: () => ({}) },
    args: (address) => ['-h', address, '-p', 'pw', '-n', 'alice'], answers: [], ready: /<<Client>>: connected/,
    typed: (request) => (typeof request.message === 'string' && request.message !== '' ? request.message : undefined),
    echo: (message) => ({ timestamp: ts(), client_message: { name: 'bob', message: `echo ${message}` } }),
    shown: (message) => new RegExp(`\\] bob: echo ${message}$`),
  },
  'solutions/05-chat-rooms': {
    proto: 'chat.proto', service: 'rpc.ChatService',
    unary: { ListChatRooms: () => ({ chat_rooms: [{ room_id: 'lobby' }] }) },
    args: (address) => ['--host', address], answers: ['1', 'alice'], ready: /Joined room lobby as alice/,
    typed: (request) => {
      const message = request.message as Fields | null;
      return typeof message?.message === 'string' ? message.message : undefined;
    },
    echo: (message) => ({ name: 'bob', message: `echo ${message}` }),
    shown: (message) => new RegExp(`^bob: echo ${message}$`),
  },
  'solutions/06-http-bridge': {
    proto: 'messenger.proto', service: 'messenger.Messenger',
    unary: { SendMessage: () => ({ send_time: ts() }) },
    args: (address) => ['--port', '0', '--server', address], answers: [], say: (text) => `alice: ${text}`,
    ready: /Read stream open at/,
    typed: (request) => (typeof request.text === 'string' ? request.text : undefined),
    echo: (text) => ({ author: 'bob', text: `echo ${text}`, send_time: ts() }),
    shown: (text) => new RegExp(`\\] bob: echo ${text}$`),
  },
};

type Streaming = grpc.ServerWritableStream<Fields, Fields> | grpc.ServerDuplexStream<Fields, Fields>;

// A server of the stage's contract, written like a Python or Go one would behave:
// its streaming handler never calls sendMetadata, so grpc-js sends the response
// headers only with the first message written. It streams back each typed line.
class LateHeadersServer {
  readonly server = new grpc.Server();
  readonly typed: string[] = [];
  readonly streams = new Set<Streaming>();
  private waiters: Array<() => void> = [];

  constructor(dir: string, private readonly script: Script) {
    const definition = protoLoader.loadSync(path.join(dir, script.proto), {
      keepCase: true, longs: String, enums: String, defaults: true, oneofs: true,
    });
    const service = definition[script.service] as protoLoader.ServiceDefinition;
    const handlers: grpc.UntypedServiceImplementation = {};
    for (const [name, method] of Object.entries(service)) {
      if (!method.responseStream) {
        handlers[name] = (call: grpc.ServerUnaryCall<Fields, Fields>, callback: grpc.sendUnaryData<Fields>) => {
          this.take(call.request);
          callback(null, (script.unary[name] ?? (() => ({})))(call.request));
        };
      } else {
        handlers[name] = (call: Streaming) => {
          this.streams.add(call);
          this.wake();
          call.on('error', () => {});
          call.on('cancelled', () => this.streams.delete(call));
          if (method.requestStream) call.on('data', (request: Fields) => this.take(request));
          // No call.sendMetadata(), no end(): the stream stays open and silent.
        };
      }
    }
    this.server.addService(service as grpc.ServiceDefinition, handlers);
  }

  private take(request: Fields): void {
    const text = this.script.typed(request);
    if (text === undefined) return;
    this.typed.push(text);
    for (const stream of this.streams) stream.write(this.script.echo(text));
    this.wake();
  }

  wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  // Wait until `check` holds (rejects after `ms`, saying what we have).
  until(check: () => boolean, what: string, ms = patience()): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${what}; typed so far: ${JSON.stringify(this.typed)}`)), ms);
      const test = () => {
        if (check()) {
          clearTimeout(timer);
          resolve();
        } else {
          this.waiters.push(test);
        }
      };
      test();
    });
  }

  async start(t: Test): Promise<string> {
    const port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound)),
    );
    t.teardown(() => this.server.forceShutdown());
    return `127.0.0.1:${port}`;
  }
}

// Every stage's client against such a server, all at once.
forStages('01-chat', 'solutions/06-http-bridge', (t, dir) => {
  const stage = stageOf(dir).folder; // under npm run check, the stage the folder is checked against
  const script = SCRIPTS[stage];
  t.test('a server that sends headers only with its first message: the client is ready, its line arrives',
    async (t) => {
      if (!script) throw new Error(`test/interop.test.ts has no script for ${stage}`);
      const late = new LateHeadersServer(dir, script);
      const address = await late.start(t);
      const client = startClient(dir, script.args(address), 'client');
      t.teardown(() => client.stop());
      for (const answer of script.answers) client.send(answer);
      // Wait until the client has started its stream. From there it must get ready on
      // its own, though no response headers come.
      void client.exited.then(() => late.wake());
      await late.until(() => late.streams.size > 0 || !client.alive, 'stream started');
      await client.waitFor(script.ready);
      client.send(script.say?.('hello there') ?? 'hello there');
      await late.until(() => late.typed.includes('hello there'), '"hello there" at the server');
      t.pass('the typed line reached the server');
      t.ok(await client.waitFor(script.shown('hello there')), 'and the answer streamed back is shown');

      if (stage === 'solutions/05-chat-rooms') {
        // End of input while the server keeps the stream open (as the Go chatserver
        // does): the client still quits at once, its last line sent. Before, it
        // waited 5 s for the server to end the call; the bound is well under that.
        client.send('last words');
        client.endInput();
        const ended = Date.now();
        const exit = await client.exited;
        t.equal(exit.code, 0);
        t.ok(Date.now() - ended < 4000, `quit ${Date.now() - ended} ms after the end of input`);
        t.ok(late.typed.includes('last words'), 'the last line reached the server');
      }
    });
});

// ---- The original Python clients send an empty message on every Enter ------------

forStages('01-chat', 'solutions/03-status-code', (t, dir) => {
  t.test('a blank message is accepted and dropped: OK, and nobody sees it', async (t) => {
    const c = chat(t, dir);
    const { address } = await c.server();
    const raw = c.raw(address);
    if (raw.has('AddUser')) await raw.unary('AddUser', { username: 'py' });
    const as = { user: { username: 'py' } };
    const listener = new Collector(raw.serverStream('Listen', {}));
    await listener.started;
    for (const msg of ['', '   ', ' \t ']) {
      t.equal((await statusOf(raw.unary('SendMessage', { msg, ...as }))).code, grpc.status.OK, JSON.stringify(msg));
    }
    await raw.unary('SendMessage', { msg: 'after the blanks', ...as });
    t.same((await listener.waitForCount(1)).map((m) => m.msg), ['after the blanks'], 'only the real message');
    if (raw.has('AddUser')) {
      // Real errors keep their status.
      t.equal((await statusOf(raw.unary('AddUser', { username: '' }))).code, grpc.status.INVALID_ARGUMENT);
    }
  });
});

// ---- 04: the Go lets-chat client ends its stream, then calls Logout ---------------

forStages('solutions/04-auth-token', 'solutions/04-auth-token', (t, dir) => {
  t.test('Logout after the stream ended succeeds; the logout goes out once either way', async (t) => {
    const { server, port } = await startServer(dir, ['-p', 'pw']);
    t.teardown(() => server.stop());
    const raw = new RawClient(path.join(dir, 'chat.proto'), 'chat.Chat', `localhost:${port}`);
    t.teardown(() => raw.close());
    const open = async (name: string) => {
      const { token } = await raw.unary('Login', { password: 'pw', name });
      const metadata = new grpc.Metadata();
      metadata.set('x-chat-token', String(token));
      const stream = raw.bidiStream('Stream', metadata);
      const events = new Collector(stream);
      await events.started;
      return { token: String(token), stream, events };
    };
    const logouts = (events: Collector, name: string) =>
      events.items.filter((event) => (event.client_logout as Fields | null)?.name === name).length;
    const watcher = await open('watcher');

    // The Go client's order: end the stream, then Logout.
    const go = await open('gopher');
    go.stream.end();
    await go.events.ended;
    t.same(await raw.unary('Logout', { token: go.token }), {}, 'Logout after the stream ended is OK');
    // The other order: Logout, then the stream ends.
    const py = await open('pythonista');
    t.same(await raw.unary('Logout', { token: py.token }), {});
    py.stream.end();
    await py.events.ended;
    t.equal((await statusOf(raw.unary('Logout', { token: py.token }))).code, grpc.status.NOT_FOUND, 'only once');
    t.equal((await statusOf(raw.unary('Logout', { token: 'never-issued' }))).code, grpc.status.NOT_FOUND);

    // One more event after all that; by then every logout event has arrived.
    await open('last');
    for (let count = 1; ; count++) {
      const items = await watcher.events.waitForCount(count);
      if ((items[count - 1].client_login as Fields | null)?.name === 'last') break;
    }
    t.equal(logouts(watcher.events, 'gopher'), 1, 'gopher logged out once');
    t.equal(logouts(watcher.events, 'pythonista'), 1, 'pythonista logged out once');
  });
});

// ---- 05: reflected descriptors, read strictly; the certificate cert.ts makes ------

const REFLECTION_PROTO = path.join(
  path.dirname(require.resolve('@grpc/reflection/package.json')),
  'build/proto/grpc/reflection/v1/reflection.proto',
);

// Every file the server's reflection service returns for its services and for every
// type they use, as the serialized FileDescriptorProtos it sent.
async function reflectedFiles(address: string): Promise<Map<string, Uint8Array>> {
  const reflection = new RawClient(REFLECTION_PROTO, 'grpc.reflection.v1.ServerReflection', address);
  const stream = reflection.bidiStream('ServerReflectionInfo');
  const answers = new Collector(stream);
  let asked = 0;
  const ask = async (request: Fields) => {
    stream.write(request);
    asked += 1;
    return (await answers.waitForCount(asked))[asked - 1];
  };
  const list = (await ask({ list_services: '*' })).list_services_response as { service: Array<{ name: string }> };
  const files = new Map<string, Uint8Array>();
  for (const { name } of list.service) {
    const answer = await ask({ file_containing_symbol: name });
    const found = answer.file_descriptor_response as { file_descriptor_proto: Buffer[] } | null;
    if (!found) throw new Error(`no file for ${name}: ${JSON.stringify(answer.error_response)}`);
    for (const bytes of found.file_descriptor_proto) {
      files.set(fileName(bytes), bytes); // a file may come again with another service: keep one
    }
  }
  stream.end();
  reflection.close();
  return files;
}

forStages('solutions/05-chat-rooms', 'solutions/05-chat-rooms', (t, dir) => {
  t.test('the strict reader refuses the descriptors protobufjs makes on its own', async (t) => {
    // What @grpc/reflection served before: proto-loader's descriptors, unchanged.
    const health = protoLoader.loadSync(healthProtoPath, { keepCase: true });
    const { problems } = readStrictly((health['grpc.health.v1.HealthListResponse'] as protoLoader.MessageTypeDefinition<object, object>).fileDescriptorProtos);
    t.match(problems.join('\n'), /map entry type is \S*Statuses, protoc names it \.grpc\.health\.v1\.HealthListResponse\.StatusesEntry/);
    t.match(problems.join('\n'), /json_name is "", protoc sets "statuses"/);
    t.match(problems.join('\n'), /not fully qualified/);
    t.match(problems.join('\n'), /@bufbuild\/protobuf refuses the files/);
  });

  t.test('reflection: every file it returns loads into a strict descriptor pool', async (t) => {
    const { server, port } = await startServer(dir);
    t.teardown(() => server.stop());
    const files = await reflectedFiles(`localhost:${port}`);
    const { problems, registry } = readStrictly([...files.values()]);
    t.same(problems, [], 'no rule protoc applies is broken');
    t.ok(registry, 'and @bufbuild/protobuf builds a registry of them');
    const chatService = registry?.getService('rpc.ChatService');
    t.same(chatService?.methods.map((method) => method.name), ['Chat', 'CreateChatRoom', 'ListChatRooms', 'DeleteChatRoom']);
    t.equal(registry?.getMessage('rpc.JoinChat')?.field.roomId?.jsonName, 'roomId');
    const statuses = registry?.getMessage('grpc.health.v1.HealthListResponse')?.field.statuses;
    t.equal(statuses?.fieldKind, 'map', 'health List answers a real map');

    // describe.ts, reading the same descriptors, prints the map as a JSON object and
    // type names as a .proto file writes them.
    const listing = await runScript(t, dir, 'describe.ts', ['--host', `localhost:${port}`]);
    t.match(listing.output, 'rpc ListChatRooms(rpc.ListChatRoomsRequest) returns (rpc.ListChatRoomsResponse)');
    t.notMatch(listing.output, /[\s(]\.[a-z]/, 'no type name with a leading dot');
    const list = await runScript(t, dir, 'describe.ts', ['--host', `localhost:${port}`, '--rpc', 'grpc.health.v1.Health.List']);
    t.same(JSON.parse(list.output), { statuses: { '': { status: 'SERVING' }, 'rpc.ChatService': { status: 'SERVING' } } });
  });

  t.test('cert.ts: a certificate for localhost, 127.0.0.1 and ::1 that clients accept', async (t) => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-cert-'));
    t.teardown(() => fs.rmSync(tmp, { recursive: true, force: true }));
    t.equal((await runScript(t, dir, 'cert.ts', ['--dir', tmp])).code, 0);
    const pem = fs.readFileSync(path.join(tmp, 'cert.pem'));
    const cert = new X509Certificate(pem);
    t.equal(cert.checkHost('localhost'), 'localhost');
    t.equal(cert.checkIP('127.0.0.1'), '127.0.0.1');
    t.equal(cert.checkIP('::1'), '::1');
    t.equal(cert.checkHost('example.com'), undefined, 'and no other name');
    t.ok(cert.verify(cert.publicKey), 'self-signed');
    t.equal((fs.statSync(path.join(tmp, 'key.pem')).mode & 0o077), 0, 'the key is readable by its owner only');

    // A TLS connection to the stage's server by name and by address (it listens on IPv4).
    const { server, port } = await startServer(dir, ['--cert', path.join(tmp, 'cert.pem'), '--key', path.join(tmp, 'key.pem')]);
    t.teardown(() => server.stop());
    for (const host of ['localhost', '127.0.0.1']) {
      const client = new grpc.Client(`${host}:${port}`, grpc.credentials.createSsl(pem));
      t.teardown(() => client.close());
      const connected = await new Promise<Error | undefined>((resolve) =>
        client.waitForReady(Date.now() + 10_000, (error) => resolve(error)));
      t.equal(connected, undefined, `TLS to ${host}`);
    }
  });
});
