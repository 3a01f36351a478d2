// 05-chat-rooms: rooms over a bidirectional Chat stream (Chatter-compatible), the
// standard health service, server reflection, describe.ts calling methods from
// descriptors, and TLS.
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ReflectionV1AlphaImplementation } from '@grpc/reflection/build/src/implementations/reflection-v1alpha';
import { HealthImplementation, protoPath as healthProtoPath } from 'grpc-health-check';
import { Collector, RawClient, statusOf, type Fields } from './lib/grpc';
import { freePorts, NO_LIMITS, Proc, runScript, startClient, startServer } from '../lib/processes';
import { forStages } from './lib/stages';

const REFLECTION_PROTO = path.join(
  path.dirname(require.resolve('@grpc/reflection/package.json')),
  'build/proto/grpc/reflection/v1/reflection.proto',
);
const JOINED = /^Joined room /;
const NO_STACK = /at .*\.(ts|js):\d+/;

forStages('solutions/05-chat-rooms', 'solutions/05-chat-rooms', (t, dir) => {
  const proto = path.join(dir, 'chat.proto');

  async function setup(args: string[] = [], env?: NodeJS.ProcessEnv) {
    const started = await startServer(dir, args, env);
    t.teardown(() => started.server.stop());
    return started;
  }
  function raw(address: string, protoPath = proto, service = 'rpc.ChatService'): RawClient {
    const client = new RawClient(protoPath, service, address);
    t.teardown(() => client.close());
    return client;
  }
  async function createRoom(chat: RawClient, isPrivate = false): Promise<string> {
    const { room_id } = await chat.unary('CreateChatRoom', { private: isPrivate });
    return String(room_id);
  }
  async function listRooms(chat: RawClient): Promise<string[]> {
    const { chat_rooms } = await chat.unary('ListChatRooms', {});
    return (chat_rooms as Fields[]).map((room) => String(room.room_id));
  }
  // A Chat stream that sends its join message; `started` resolves once the server
  // accepted it (response headers), `ended` with the status the call ends with.
  function openChat(chat: RawClient, room_id: string, name: string): Collector {
    const stream = chat.bidiStream('Chat');
    t.teardown(() => stream.cancel());
    stream.write({ join: { room_id, name } });
    return new Collector(stream);
  }
  async function member(chat: RawClient, room: string, name: string): Promise<Collector> {
    const collector = openChat(chat, room, name);
    await collector.started;
    return collector;
  }
  function say(collector: Collector, message: string, name = ''): void {
    (collector.stream as grpc.ClientDuplexStream<Fields, Fields>).write({ message: { name, message } });
  }
  // Wait until a message arrives that matches, and return it.
  async function received(collector: Collector, expected: Fields): Promise<void> {
    for (let count = 1; ; count++) {
      const items = await collector.waitForCount(count);
      if (items.some((item) => item.name === expected.name && item.message === expected.message)) return;
    }
  }
  // A client process that lists the rooms and answers the two questions from its stdin.
  function client(address: string, name: string, args: string[] = []): Proc {
    const proc = startClient(dir, ['--host', address, ...args], name);
    t.teardown(() => proc.stop());
    return proc;
  }
  async function joinWithClient(address: string, pick: string, name: string, args: string[] = []): Promise<Proc> {
    const proc = client(address, name, args);
    proc.send(pick);
    proc.send(name);
    await proc.waitFor(JOINED);
    return proc;
  }
  const run = (script: string, args: string[]) => runScript(t, dir, script, args);
  // An address nobody listens on: a port that was free a moment ago.
  async function unusedAddress(): Promise<string> {
    const [port] = await freePorts(1);
    return `localhost:${port}`;
  }
  async function inProcessServer(setupServer: (server: grpc.Server) => void): Promise<string> {
    const server = new grpc.Server();
    setupServer(server);
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
    t.teardown(() => server.forceShutdown());
    return `localhost:${port}`;
  }

  t.test('rooms: a hex id for each, private ones unlisted, deleted ones gone', async (t) => {
    const { address } = await setup();
    const chat = raw(address);
    const open = await createRoom(chat);
    const hidden = await createRoom(chat, true);
    t.match(open, /^[0-9a-f]{8,}$/);
    t.match(hidden, /^[0-9a-f]{8,}$/);
    t.not(open, hidden);
    t.same(await listRooms(chat), [open], 'the private room is not listed');
    await member(chat, hidden, 'insider'); // but whoever knows its id can join it
    t.same(await chat.unary('DeleteChatRoom', { room_id: open }), { room_id: open });
    t.same(await listRooms(chat), []);
    t.same(await statusOf(chat.unary('DeleteChatRoom', { room_id: open })), {
      code: grpc.status.NOT_FOUND,
      details: `room ${open} does not exist`,
    });
    t.equal((await statusOf(chat.unary('DeleteChatRoom', { room_id: 'x'.repeat(100) }))).code, grpc.status.INVALID_ARGUMENT);
  });

  t.test('Chat refuses a stream that does not start with a valid join', async (t) => {
    const { address } = await setup();
    const chat = raw(address);
    const room = await createRoom(chat);
    await member(chat, room, 'alice');

    const noJoin = chat.bidiStream('Chat');
    t.teardown(() => noJoin.cancel());
    noJoin.write({ message: { name: 'x', message: 'hello' } });
    t.equal((await new Collector(noJoin).ended).code, grpc.status.INVALID_ARGUMENT, 'a message before joining');

    t.same(await openChat(chat, 'nope', 'bob').ended, { code: grpc.status.NOT_FOUND, details: 'room nope does not exist' });
    const cases: Array<[string, string, grpc.status]> = [
      ['alice', 'a name already in the room', grpc.status.ALREADY_EXISTS],
      [' alice ', 'the same name with spaces around it', grpc.status.ALREADY_EXISTS],
      ['  ', 'an empty name', grpc.status.INVALID_ARGUMENT],
      ['x'.repeat(65), 'a name over 64 bytes', grpc.status.INVALID_ARGUMENT],
      ['evil\u001b[2J', 'control characters', grpc.status.INVALID_ARGUMENT],
      ['Chat Server', "the server's own name", grpc.status.INVALID_ARGUMENT],
    ];
    for (const [name, what, code] of cases) t.equal((await openChat(chat, room, name).ended).code, code, what);
    t.equal((await openChat(chat, 'f'.repeat(65), 'bob').ended).code, grpc.status.INVALID_ARGUMENT, 'a huge room id');
  });

  t.test('notices, no echo to the sender, and the joined name on every message', async (t) => {
    const { address } = await setup();
    const chat = raw(address);
    const room = await createRoom(chat);
    const alice = await member(chat, room, 'alice');
    await received(alice, { name: 'alice', message: 'Has joined the chat' });
    const bob = await member(chat, room, 'bob');
    await received(alice, { name: 'bob', message: 'Has joined the chat' });
    await received(bob, { name: 'bob', message: 'Has joined the chat' });

    say(bob, 'i am alice, honest', 'alice'); // impersonation: the server puts bob's name back
    await received(alice, { name: 'bob', message: 'i am alice, honest' });
    say(bob, '   '); // blank messages are dropped
    say(alice, 'marker');
    await received(bob, { name: 'alice', message: 'marker' });
    t.notOk(bob.items.some((item) => item.message === 'i am alice, honest'), 'the sender does not get its message back');
    t.notOk(alice.items.some((item) => item.message === '   '));

    (bob.stream as grpc.ClientDuplexStream<Fields, Fields>).end(); // bob is done: half-close
    t.equal((await bob.ended).code, grpc.status.OK);
    await received(alice, { name: 'bob', message: 'Has left the chat' });
  });

  t.test('a newcomer first gets the last 10 messages, then its join notice', async (t) => {
    const { address } = await setup();
    const chat = raw(address);
    const room = await createRoom(chat);
    const alice = await member(chat, room, 'alice');
    const bob = await member(chat, room, 'bob');
    for (let i = 1; i <= 12; i++) say(alice, `m${i}`);
    await received(bob, { name: 'alice', message: 'm12' });
    const carol = await member(chat, room, 'carol');
    const expected = [3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((i) => ({ name: 'alice', message: `m${i}` }));
    t.same(await carol.waitForCount(11), [...expected, { name: 'carol', message: 'Has joined the chat' }]);
  });

  t.test('a message over 4096 bytes is answered in the stream, not passed on', async (t) => {
    const { address } = await setup();
    const chat = raw(address);
    const room = await createRoom(chat);
    const alice = await member(chat, room, 'alice');
    const bob = await member(chat, room, 'bob');
    say(alice, 'x'.repeat(4097));
    await received(alice, { name: 'chat server', message: 'message not sent: longer than 4096 bytes' });
    say(alice, 'y'.repeat(4096)); // the limit itself is fine
    await received(bob, { name: 'alice', message: 'y'.repeat(4096) });
    t.notOk(bob.items.some((item) => item.message === 'x'.repeat(4097)));
  });

  t.test('deleting a room says it is closing and ends its calls with OK', async (t) => {
    const { address } = await setup();
    const chat = raw(address);
    const room = await createRoom(chat);
    const other = await createRoom(chat);
    const rawMember = await member(chat, room, 'raw');
    const bystander = await member(chat, other, 'bystander');
    const alice = await joinWithClient(address, '1', 'alice');
    await chat.unary('DeleteChatRoom', { room_id: room });
    t.equal((await rawMember.ended).code, grpc.status.OK);
    t.same(rawMember.items.at(-1), { name: 'chat server', message: 'chat room is closing' });
    t.equal((await alice.exited).code, 0, 'the client exits 0');
    t.match(alice.output, /^chat server: chat room is closing$/m);
    t.notMatch(alice.output, NO_STACK);
    // The other room is untouched.
    say(bystander, 'still here');
    const again = await member(chat, other, 'again');
    t.same(await again.waitForCount(1), [{ name: 'bystander', message: 'still here' }]);
  });

  t.test('the client: --create prints an id, then pick a room, name yourself and chat', async (t) => {
    const { address } = await setup();
    const [created, hidden] = await Promise.all([
      run('client.ts', ['--host', address, '--create', '--insecure']),
      run('client.ts', ['--host', address, '--create', '--private']),
    ]);
    t.equal(created.code, 0);
    const room = created.output.trim().split('\n').at(-1) ?? '';
    t.match(room, /^[0-9a-f]{8,}$/);
    const hiddenRoom = hidden.output.trim().split('\n').at(-1) ?? '';

    const alice = await joinWithClient(address, '1', 'alice');
    t.match(alice.output, /^Chat rooms:$/m);
    t.match(alice.output, new RegExp(`^\\[1\\]: ${room}$`, 'm'));
    t.notMatch(alice.output, hiddenRoom, 'private rooms are not listed');
    t.ok(await alice.waitFor(/^alice: Has joined the chat$/));

    const bob = await joinWithClient(address, room, 'bob'); // a room can also be picked by id
    await alice.waitFor(/^bob: Has joined the chat$/);
    bob.send('hello from bob');
    await alice.waitFor(/^bob: hello from bob$/);
    alice.send('hello back');
    await bob.waitFor(/^alice: hello back$/);
    t.equal(bob.count(/hello from bob/), 0, 'bob does not get his own message back');

    bob.endInput(); // Ctrl+D: bob leaves
    t.equal((await bob.exited).code, 0);
    await alice.waitFor(/^bob: Has left the chat$/);
  });

  t.test('the client: private rooms by id, control characters shown as text', async (t) => {
    const { address } = await setup();
    const chat = raw(address);
    const room = await createRoom(chat, true);
    const alice = client(address, 'alice');
    await alice.waitFor(/No public chat rooms/);
    alice.send(room);
    alice.send('alice');
    await alice.waitFor(JOINED);
    const mallory = await member(chat, room, 'mallory');
    say(mallory, 'evil\u001b[2J\rfake\u202e');
    t.ok(await alice.waitFor('mallory: evil\\x1b[2J\\x0dfake\\u202e'));
  });

  t.test('the client: bad answers are asked again, refused joins explained', async (t) => {
    const { address } = await setup();
    const chat = raw(address);
    const room = await createRoom(chat);
    await member(chat, room, 'alice');

    const retry = client(address, 'retry');
    retry.send('7'); // out of range
    retry.send('one two'); // not a number nor an id
    retry.send('1');
    retry.send('');
    retry.send('carol');
    await retry.waitFor(JOINED);
    t.match(retry.output, 'Enter a number from 1 to 1, or a room id');
    t.match(retry.output, 'Enter a room number from the list, or a room id');
    t.match(retry.output, 'A name tag cannot be empty');

    const taken = client(address, 'taken');
    taken.send('1');
    taken.send('alice');
    t.equal((await taken.exited).code, 1);
    t.match(taken.output, `Cannot join room ${room}: name alice is taken in room ${room}`);

    const unknown = client(address, 'unknown');
    unknown.send('abcdef');
    unknown.send('dave');
    t.equal((await unknown.exited).code, 1);
    t.match(unknown.output, 'Cannot join room abcdef: room abcdef does not exist');

    const quits = client(address, 'quits'); // the input ends before the questions are answered
    quits.endInput();
    t.equal((await quits.exited).code, 0);
    for (const proc of [taken, unknown, quits]) t.notMatch(proc.output, NO_STACK);
  });

  t.test('a client with no server says so and exits 1', async (t) => {
    const address = await unusedAddress();
    const lonely = client(address, 'lonely');
    t.equal((await lonely.exited).code, 1);
    t.match(lonely.output, `Cannot reach the chat server at ${address}`);
    t.notMatch(lonely.output, NO_STACK);
  });

  t.test('health: SERVING while up, NOT_SERVING once shutting down', async (t) => {
    const { server, address } = await setup();
    const health = raw(address, healthProtoPath, 'grpc.health.v1.Health');
    t.same(await health.unary('Check', { service: '' }), { status: 'SERVING' });
    t.same(await health.unary('Check', { service: 'rpc.ChatService' }), { status: 'SERVING' });
    t.equal((await statusOf(health.unary('Check', { service: 'nope' }))).code, grpc.status.NOT_FOUND);
    const watches = ['', 'rpc.ChatService'].map((service) => new Collector(health.serverStream('Watch', { service })));
    for (const watch of watches) t.same(await watch.waitForCount(1), [{ status: 'SERVING' }]);
    server.child.kill('SIGTERM');
    for (const watch of watches) t.same((await watch.waitForCount(2))[1], { status: 'NOT_SERVING' });
    for (const watch of watches) watch.stream.cancel();
    t.same(await server.exited, { code: 0, signal: null });
  });

  t.test('SIGINT stops the server with exit 0, and members are told', async (t) => {
    const { server, address } = await setup();
    const chat = raw(address);
    const room = await createRoom(chat);
    const rawMember = await member(chat, room, 'raw');
    const alice = await joinWithClient(address, '1', 'alice');
    server.child.kill('SIGINT');
    t.same(await server.exited, { code: 0, signal: null });
    t.same(await rawMember.ended, { code: grpc.status.UNAVAILABLE, details: 'server shutting down' });
    t.equal((await alice.exited).code, 1);
    t.match(alice.output, /Lost the chat server .*server shutting down/);
  });

  t.test('reflection lists rpc.ChatService and the health service', async (t) => {
    const { address } = await setup();
    const reflection = raw(address, REFLECTION_PROTO, 'grpc.reflection.v1.ServerReflection');
    const stream = reflection.bidiStream('ServerReflectionInfo');
    const answers = new Collector(stream);
    stream.write({ list_services: '*' });
    const [answer] = await answers.waitForCount(1);
    const services = ((answer.list_services_response as Fields).service as Fields[]).map((service) => service.name);
    t.ok(services.includes('rpc.ChatService'));
    t.ok(services.includes('grpc.health.v1.Health'));
    stream.end();

    const listing = await run('describe.ts', ['--host', address]);
    t.equal(listing.code, 0);
    t.match(listing.output, /^rpc\.ChatService$/m);
    t.match(listing.output, /^ {2}rpc Chat\(stream rpc\.ChatMessage\) returns \(stream rpc\.Message\)$/m);
    t.match(listing.output, /^ {2}rpc CreateChatRoom\(rpc\.CreateChatRoomRequest\) returns \(rpc\.ChatRoom\)$/m);
    t.match(listing.output, /rpc\.DeleteChatRoomRequest \{ room_id: string \}/);
    t.match(listing.output, /^grpc\.health\.v1\.Health$/m);
  });

  t.test('describe.ts creates a room and calls health through reflection alone', async (t) => {
    const { address } = await setup();
    const chat = raw(address);
    const describe = (...args: string[]) => run('describe.ts', ['--host', address, '--rpc', ...args]);
    const [created, hidden, health] = await Promise.all([
      describe('rpc.ChatService.CreateChatRoom', '--data', '{"private": false}'),
      describe('rpc.ChatService/CreateChatRoom', '--data', '{"private": true}'), // grpcurl's spelling
      describe('grpc.health.v1.Health.Check', '--data', '{"service": "rpc.ChatService"}'),
    ]);
    t.equal(created.code, 0);
    const { room_id } = JSON.parse(created.output) as { room_id: string };
    t.equal(hidden.code, 0);
    t.match(JSON.parse(hidden.output), { room_id: /^[0-9a-f]+$/ });
    t.same(await listRooms(chat), [room_id], 'a private room made through describe.ts is not listed');
    t.same(JSON.parse(health.output), { status: 'SERVING' });
    const listed = await describe('rpc.ChatService.ListChatRooms');
    t.same(JSON.parse(listed.output), { chat_rooms: [{ room_id }] });
  });

  t.test('describe.ts: one clear line for each mistake', async (t) => {
    const { address } = await setup();
    const create = ['--rpc', 'rpc.ChatService.CreateChatRoom', '--data'];
    const cases: Array<[string[], RegExp]> = [
      [['--rpc', 'rpc.Nope.Create'], /^The server has no service rpc\.Nope\. It has: .*rpc\.ChatService/],
      [['--rpc', 'rpc.ChatService.Nope'], /^rpc\.ChatService has no method Nope\. It has: Chat, CreateChatRoom/],
      [['--rpc', 'rpc.ChatService.Chat'], /^rpc\.ChatService\.Chat is a streaming method .*unary ones only/],
      [[...create, '{"private": tru'], /^--data is not valid JSON/],
      [[...create, '[true]'], /^--data must be a JSON object/],
      [[...create, '{"secret": true}'], /^--data: rpc\.CreateChatRoomRequest has no field secret/],
      [[...create, '{"private": "yes"}'], /^--data does not fit .*private: boolean expected/],
      [
        ['--rpc', 'rpc.ChatService.DeleteChatRoom', '--data', '{"room_id": "gone"}'],
        /^rpc\.ChatService\.DeleteChatRoom failed: NOT_FOUND: room gone does not exist$/,
      ],
    ];
    const results = await Promise.all(cases.map(([args]) => run('describe.ts', ['--host', address, ...args])));
    results.forEach(({ code, output }, i) => {
      const [args, expected] = cases[i];
      t.equal(code, 1, args.join(' '));
      t.match(output.trim(), expected);
      t.equal(output.trim().split('\n').length, 1, 'one line');
    });
  });

  t.test('describe.ts: no reflection, old v1alpha reflection, no server', async (t) => {
    const bare = await inProcessServer(() => {});
    const none = await run('describe.ts', ['--host', bare]);
    t.equal(none.code, 1);
    t.match(none.output.trim(), /^The server at \S+ does not offer gRPC server reflection/);

    // A server with only the older grpc.reflection.v1alpha service still works.
    const old = await inProcessServer((server) => {
      new HealthImplementation({ '': 'SERVING' }).addToServer(server);
      new ReflectionV1AlphaImplementation(protoLoader.loadSync(healthProtoPath)).addToServer(server);
    });
    const check = await run('describe.ts', ['--host', old, '--rpc', 'grpc.health.v1.Health.Check']);
    t.equal(check.code, 0);
    t.same(JSON.parse(check.output), { status: 'SERVING' });

    const address = await unusedAddress();
    const gone = await run('describe.ts', ['--host', address]);
    t.equal(gone.code, 1);
    t.match(gone.output, `Cannot reach ${address}`);
    t.notMatch(gone.output, NO_STACK);
  });

  t.test('TLS: a round trip with a certificate made for the test', async (t) => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-tls-'));
    t.teardown(() => fs.rmSync(tmp, { recursive: true, force: true }));
    const cert = path.join(tmp, 'cert.pem');
    const key = path.join(tmp, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost', '-days', '1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
    const { server, address } = await setup(['--cert', cert, '--key', key]);
    t.match(server.output, 'Serving TLS');
    const tls = ['--tls', '--ca', cert];

    const created = await run('client.ts', ['--host', address, '--create', ...tls]);
    t.equal(created.code, 0);
    const [alice, bob, described, plain, untrusted] = await Promise.all([
      joinWithClient(address, '1', 'alice', tls),
      joinWithClient(address, '1', 'bob', tls),
      run('describe.ts', ['--host', address, ...tls, '--rpc', 'rpc.ChatService.ListChatRooms']),
      run('client.ts', ['--host', address, '--create']),
      run('client.ts', ['--host', address, '--create', '--tls']),
    ]);
    bob.send('over TLS');
    t.ok(await alice.waitFor(/^bob: over TLS$/));
    t.equal(described.code, 0);
    t.equal(plain.code, 1, 'a plaintext client cannot talk to a TLS server');
    t.match(plain.output, /Cannot reach the chat server .*If it serves TLS, add --tls/);
    t.equal(untrusted.code, 1, 'nor can one that does not trust the certificate');
    t.match(untrusted.output, /certificate/);
  });

  t.test('bad flags and files: usage and exit 2, or one line and exit 1', async (t) => {
    const usage: Array<[string, string[]]> = [
      ['server.ts', ['--port', 'abc']],
      ['server.ts', ['--port', '70000']],
      ['server.ts', ['--cert', 'cert.pem']],
      ['client.ts', ['--hots', 'x']],
      ['client.ts', ['--host', 'nocolon']],
      ['client.ts', ['--private']],
      ['describe.ts', ['--rpc', 'NoMethod']],
      ['describe.ts', ['--host', 'a b:1']],
      ['describe.ts', ['--data', '{}']],
    ];
    const [help, missing, notPem, noCa, ...results] = await Promise.all([
      run('describe.ts', ['--help']),
      run('server.ts', ['--port', '0', '--cert', 'no-such.pem', '--key', 'no-such.pem']),
      run('server.ts', ['--port', '0', '--cert', 'chat.proto', '--key', 'chat.proto']),
      run('client.ts', ['--tls', '--ca', 'no-such.pem']),
      ...usage.map(([script, args]) => run(script, args)),
    ]);
    results.forEach(({ code, output }, i) => {
      t.equal(code, 2, `${usage[i][0]} ${usage[i][1].join(' ')}`);
      t.match(output, /Usage: npx ts-node/);
    });
    t.equal(help.code, 0);
    t.match(help.output, /^Usage: npx ts-node describe\.ts/);
    t.equal(missing.code, 1);
    t.match(missing.output, 'Cannot read the --cert file no-such.pem: ENOENT');
    t.equal(notPem.code, 1);
    t.match(notPem.output, /are --cert and --key a PEM certificate and its key/);
    t.equal(noCa.code, 1);
    t.match(noCa.output, 'Cannot read the --ca file no-such.pem');
  });

  t.test('a port already in use gets a clear message and exit 1', async (t) => {
    const taken = net.createServer().listen(0);
    await once(taken, 'listening');
    t.teardown(() => taken.close());
    const { port } = taken.address() as net.AddressInfo;
    const second = await run('server.ts', ['--port', String(port)]);
    t.equal(second.code, 1);
    t.match(second.output, `Port ${port} is already in use`);
  });

  t.test('limits: at most 1000 rooms', async (t) => {
    const { address } = await setup([], { CHAT_ROOMS_PER_CREATOR: '2000' }); // all from one address
    const chat = raw(address);
    await Promise.all(Array.from({ length: 1000 }, () => createRoom(chat, true)));
    t.same(await statusOf(createRoom(chat)), {
      code: grpc.status.RESOURCE_EXHAUSTED,
      details: 'there are already 1000 rooms',
    });
    const refused = await run('client.ts', ['--host', address, '--create']);
    t.equal(refused.code, 1);
    t.match(refused.output, 'Cannot create a room: there are already 1000 rooms');
  });

  t.test('limits: a member that stops reading is cut off; the room goes on', async (t) => {
    const { server, address } = await setup([], NO_LIMITS); // alice floods on purpose
    const chat = raw(address);
    const room = await createRoom(chat);
    const alice = await member(chat, room, 'alice');
    const sleepy = await member(chat, room, 'sleepy');
    sleepy.stream.pause(); // sleepy stops reading: the server's queue for it grows
    const stream = alice.stream as grpc.ClientDuplexStream<Fields, Fields>;
    for (let sent = 0; server.count(/cut off after/) === 0; sent++) {
      if (sent > 20_000) throw new Error('the server never cut the member off');
      if (!stream.write({ message: { name: '', message: 'z'.repeat(1000) } })) await once(stream, 'drain');
    }
    await received(alice, { name: 'sleepy', message: 'Has left the chat' });
    sleepy.stream.resume(); // what was queued arrives, then the status
    t.equal((await sleepy.ended).code, grpc.status.RESOURCE_EXHAUSTED);
    const carol = await member(chat, room, 'carol');
    await received(carol, { name: 'carol', message: 'Has joined the chat' });
  });
});
