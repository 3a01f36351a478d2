// solutions/04-auth-token: the lets-chat exercise. Password login, the session token
// in the x-chat-token metadata of a bidirectional Stream, presence events.
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type { Test } from 'tap';
import { Collector, RawClient, statusOf, type Fields } from './lib/grpc';
import { NO_LIMITS, Proc, startClient, startServer } from '../lib/processes';
import { forStages, ROOT } from './lib/stages';

const PASSWORD = 'super-secret';
const CLOCK = String.raw`\[\d\d:\d\d:\d\d [AP]M\]`; // [03:04:05 PM]
const CONNECTED = '<<Client>>: connected';
const FIXTURE = path.join(ROOT, 'test/fixtures/lets-chat/chat.proto');

function tokenHeader(token: string): grpc.Metadata {
  const metadata = new grpc.Metadata();
  metadata.set('x-chat-token', token);
  return metadata;
}

// One event as a short string: "client_message bob hi", "server_shutdown".
function describe(event: Fields): string {
  const kind = String(event.event);
  const body = (event[kind] ?? {}) as Fields;
  return [kind, body.name, body.message].filter((part) => part !== undefined).join(' ');
}

// Wait until an event that reads `text` (see describe) has arrived.
async function waitForEvent(events: Collector, text: string): Promise<void> {
  for (let count = 1; ; count++) {
    const items = await events.waitForCount(count);
    if (describe(items[count - 1]) === text) return;
  }
}

forStages('solutions/04-auth-token', 'solutions/04-auth-token', (t, dir) => {
  const proto = path.join(dir, 'chat.proto');

  async function setup(t: Test, args: string[] = [], env?: NodeJS.ProcessEnv) {
    const started = await startServer(dir, ['-p', PASSWORD, ...args], env);
    t.teardown(() => started.server.stop());
    return started;
  }
  function client(t: Test, address: string, name: string, password = PASSWORD): Proc {
    const proc = startClient(dir, ['-h', address, '-p', password, '-n', name], name);
    t.teardown(() => proc.stop());
    return proc;
  }
  async function join(t: Test, address: string, name: string): Promise<Proc> {
    const proc = client(t, address, name);
    await proc.waitFor(CONNECTED);
    return proc;
  }
  function rawClient(t: Test, address: string, protoPath = proto): RawClient {
    const raw = new RawClient(protoPath, 'chat.Chat', address);
    t.teardown(() => raw.close());
    return raw;
  }
  async function login(raw: RawClient, name: string): Promise<string> {
    const { token } = await raw.unary('Login', { password: PASSWORD, name });
    return String(token);
  }
  // Login, then open the Stream with the token; resolves once the server accepted it.
  async function session(raw: RawClient, name: string) {
    const token = await login(raw, name);
    const stream = raw.bidiStream('Stream', tokenHeader(token));
    const events = new Collector(stream);
    await events.started;
    return { token, stream, events };
  }

  t.test('Login: a wrong password is UNAUTHENTICATED, checked before the name', async (t) => {
    const { address } = await setup(t);
    const raw = rawClient(t, address);
    for (const name of ['alice', '']) {
      t.same(await statusOf(raw.unary('Login', { password: 'super-secreT', name })), {
        code: grpc.status.UNAUTHENTICATED,
        details: 'password is incorrect',
      });
    }
  });

  t.test('Login: an empty or unprintable name is INVALID_ARGUMENT', async (t) => {
    const { address } = await setup(t);
    const raw = rawClient(t, address);
    for (const name of ['', '   ']) {
      t.same(await statusOf(raw.unary('Login', { password: PASSWORD, name })), {
        code: grpc.status.INVALID_ARGUMENT,
        details: 'username is required',
      });
    }
    for (const name of ['<<Server>>', 'a\u001b[2Jb', 'x'.repeat(33)]) {
      const { code } = await statusOf(raw.unary('Login', { password: PASSWORD, name }));
      t.equal(code, grpc.status.INVALID_ARGUMENT, JSON.stringify(name));
    }
  });

  t.test('Login answers a fresh random hex token; the log shows only its first 8 digits', async (t) => {
    const { server, address } = await setup(t);
    const raw = rawClient(t, address);
    const first = await login(raw, 'alice');
    const second = await login(raw, 'alice');
    t.match(first, /^[0-9a-f]{32,}$/);
    t.not(first, second, 'every login gets its own token');
    await server.waitFor(`${second.slice(0, 8)}… (alice) has logged in`);
    t.match(server.output, new RegExp(`^${CLOCK} <<Server>>: ${first.slice(0, 8)}… \\(alice\\) has logged in$`, 'm'));
    t.notMatch(server.output, first.slice(8, 16), 'the rest of the token is never logged');
    t.notMatch(server.output, PASSWORD, 'nor is the password');
  });

  t.test('Stream: a missing or unknown token is UNAUTHENTICATED', async (t) => {
    const { address } = await setup(t);
    const raw = rawClient(t, address);
    t.same(await new Collector(raw.bidiStream('Stream')).ended, {
      code: grpc.status.UNAUTHENTICATED,
      details: 'missing token header',
    });
    t.same(await new Collector(raw.bidiStream('Stream', tokenHeader('0123456789abcdef'))).ended, {
      code: grpc.status.UNAUTHENTICATED,
      details: 'invalid token',
    });
  });

  t.test('Stream: a token opens one stream; a second one is refused and the first keeps working', async (t) => {
    const { address } = await setup(t);
    const raw = rawClient(t, address);
    const alice = await session(raw, 'alice');
    const again = new Collector(raw.bidiStream('Stream', tokenHeader(alice.token)));
    t.same(await again.ended, { code: grpc.status.ALREADY_EXISTS, details: 'this token already has an open stream' });
    alice.stream.write({ message: 'still here' });
    t.same((await alice.events.waitForCount(1)).map(describe), ['client_message alice still here']);
  });

  t.test('Logout: an unknown token is NOT_FOUND; a known one ends its stream with OK', async (t) => {
    const { address } = await setup(t);
    const raw = rawClient(t, address);
    t.same(await statusOf(raw.unary('Logout', { token: 'nope' })), {
      code: grpc.status.NOT_FOUND,
      details: 'token not found',
    });
    const bob = await session(raw, 'bob');
    t.same(await raw.unary('Logout', { token: bob.token }), {});
    t.equal((await bob.events.ended).code, grpc.status.OK);
    t.equal((await statusOf(raw.unary('Logout', { token: bob.token }))).code, grpc.status.NOT_FOUND, 'only once');
    const reopened = new Collector(raw.bidiStream('Stream', tokenHeader(bob.token)));
    t.equal((await reopened.ended).code, grpc.status.UNAUTHENTICATED, 'the token is dead');
  });

  t.test("two clients see each other's login, messages and logout, with timestamps", async (t) => {
    const { address } = await setup(t);
    const alice = await join(t, address, 'alice');
    const bob = await join(t, address, 'bob');
    t.match(await alice.waitFor('bob has logged in'), new RegExp(`^${CLOCK} <<Server>>: bob has logged in$`));
    bob.send('hello');
    t.match(await alice.waitFor('bob: hello'), new RegExp(`^${CLOCK} bob: hello$`));
    t.match(await bob.waitFor('bob: hello'), new RegExp(`^${CLOCK} bob: hello$`), 'the sender sees it too');
    alice.send('hi bob');
    t.match(await bob.waitFor('alice: hi bob'), new RegExp(`^${CLOCK} alice: hi bob$`));
    bob.endInput();
    t.equal((await bob.exited).code, 0);
    t.match(bob.output, new RegExp(`^${CLOCK} <<Client>>: logging out$`, 'm'));
    t.match(await alice.waitFor('bob has logged out'), new RegExp(`^${CLOCK} <<Server>>: bob has logged out$`));
    t.match(bob.output, new RegExp(`^${CLOCK} <<Client>>: logged in to ${address} as bob$`, 'm'));
  });

  t.test('events carry a google.protobuf.Timestamp of when they happened', async (t) => {
    const { address } = await setup(t);
    const raw = rawClient(t, address);
    const watcher = await session(raw, 'watcher');
    const before = Math.floor(Date.now() / 1000);
    await login(raw, 'carol');
    const [event] = await watcher.events.waitForCount(1);
    const after = Math.ceil(Date.now() / 1000);
    t.equal(describe(event), 'client_login carol');
    const { seconds, nanos } = event.timestamp as { seconds: string; nanos: number };
    t.ok(Number(seconds) >= before && Number(seconds) <= after, `${seconds} within [${before}, ${after}]`);
    t.ok(Number.isInteger(nanos) && nanos >= 0 && nanos < 1e9);
  });

  t.test('a client built from the exercise proto logs in, chats over metadata and logs out', async (t) => {
    const { address } = await setup(t);
    const alice = await join(t, address, 'alice');
    const team = rawClient(t, address, FIXTURE);
    const other = await session(team, 'other-team');
    await alice.waitFor('other-team has logged in');
    other.stream.write({ message: 'hello from another implementation' });
    await alice.waitFor('other-team: hello from another implementation');
    alice.send('welcome');
    t.same((await other.events.waitForCount(2)).map(describe), [
      'client_message other-team hello from another implementation',
      'client_message alice welcome',
    ]);
    t.same(await team.unary('Logout', { token: other.token }), {});
    t.equal((await other.events.ended).code, grpc.status.OK);
    t.ok(await alice.waitFor('<<Server>>: other-team has logged out'));
  });

  t.test('a stream dropped without Logout logs its user out', async (t) => {
    const { server, address } = await setup(t);
    const alice = await join(t, address, 'alice');
    const bob = await join(t, address, 'bob');
    await bob.stop('SIGKILL'); // no chance to call Logout
    t.ok(await alice.waitFor('<<Server>>: bob has logged out'));
    t.ok(await server.waitFor('(bob) has logged out (stream closed without Logout)'));

    const raw = rawClient(t, address);
    const carol = await session(raw, 'carol');
    carol.stream.cancel();
    t.ok(await alice.waitFor('<<Server>>: carol has logged out'));
    t.equal((await statusOf(raw.unary('Logout', { token: carol.token }))).code, grpc.status.NOT_FOUND);

    const dave = await session(raw, 'dave');
    dave.stream.end(); // half-close: "I will send nothing more"
    t.equal((await dave.events.ended).code, grpc.status.OK);
    t.ok(await alice.waitFor('<<Server>>: dave has logged out'));
    t.ok(await server.waitFor('(dave) has logged out (stream closed without Logout)'));
  });

  t.test('SIGINT on the server: every client prints the shutdown line and exits 0', async (t) => {
    const { server, address } = await setup(t);
    const clients = [await join(t, address, 'a'), await join(t, address, 'b')];
    const raw = await session(rawClient(t, address), 'raw');
    server.child.kill('SIGINT');
    t.same(await server.exited, { code: 0, signal: null });
    t.match(server.output, new RegExp(`^${CLOCK} <<Server>>: shutting down$`, 'm'));
    for (const proc of clients) {
      t.equal((await proc.exited).code, 0, `${proc.name} exits 0`);
      t.match(proc.output, new RegExp(`^${CLOCK} <<Server>>: the server is shutting down$`, 'm'));
      t.notMatch(proc.output, 'logging out', 'no Logout to a server that is going away');
    }
    t.same(raw.events.items.map(describe).slice(-1), ['server_shutdown']);
    t.equal((await raw.events.ended).code, grpc.status.OK);
  });

  t.test('Ctrl+C on a client logs it out and exits 0', async (t) => {
    const { server, address } = await setup(t);
    const alice = await join(t, address, 'alice');
    const bob = await join(t, address, 'bob');
    t.same(await bob.stop('SIGINT'), { code: 0, signal: null });
    t.match(bob.output, /<<Client>>: logged out$/m);
    t.ok(await alice.waitFor('<<Server>>: bob has logged out'));
    t.match(await server.waitFor('(bob) has logged out'), /\(bob\) has logged out$/, 'through Logout');
  });

  t.test('the client refuses bad passwords, bad names and missing servers with one line and exit 1', async (t) => {
    const { server, address } = await setup(t);
    const cases = [
      [client(t, address, 'alice', 'wrong'), 'login failed: password is incorrect'],
      [client(t, address, ''), 'login failed: username is required'],
    ] as const;
    for (const [proc, line] of cases) {
      t.equal((await proc.exited).code, 1);
      t.match(proc.output, new RegExp(`^${CLOCK} <<Client>>: ${line}$`));
    }
    await server.stop();
    const lonely = client(t, address, 'lonely');
    t.equal((await lonely.exited).code, 1);
    t.match(lonely.output, `cannot reach the chat server at ${address}`);
    t.notMatch(lonely.output, /at .*\.(ts|js):\d+/, 'no stack trace');
  });

  t.test('messages: blank ones are skipped, long ones refused, control characters shown as text', async (t) => {
    const { address } = await setup(t);
    const alice = await join(t, address, 'alice');
    const raw = rawClient(t, address);
    const watcher = await session(raw, 'watcher');

    alice.send('x'.repeat(4097));
    t.ok(await alice.waitFor('<<Client>>: message not sent: it is longer than 4096 bytes'));
    watcher.stream.write({ message: '   ' });
    watcher.stream.write({ message: 'red \u001b[31malert\u001b[0m' });
    t.ok(await alice.waitFor('watcher: red \\x1b[31malert\\x1b[0m'));
    alice.send('marker');
    const events = await watcher.events.waitForCount(2);
    t.same(events.map(describe), ['client_message watcher red \u001b[31malert\u001b[0m', 'client_message alice marker']);

    const rude = await session(raw, 'rude');
    rude.stream.write({ message: 'y'.repeat(4097) });
    t.same(await rude.events.ended, {
      code: grpc.status.INVALID_ARGUMENT,
      details: 'message is longer than 4096 bytes',
    });
    t.ok(await alice.waitFor('<<Server>>: rude has logged out'));
  });

  t.test('a client that stops reading is cut off and logged out; the others go on', async (t) => {
    const { server, address } = await setup(t, [], NO_LIMITS); // the talker floods on purpose
    const sleepy = await join(t, address, 'sleepy');
    // A stopped process reads nothing from its socket: TCP and HTTP/2 flow control
    // soon stop the server's writes, and its queue for sleepy's stream grows.
    sleepy.child.kill('SIGSTOP');
    t.teardown(() => sleepy.child.kill('SIGCONT'));
    const raw = rawClient(t, address);
    const talker = await session(raw, 'talker');
    const line = 'z'.repeat(4000);
    let sent = 0;
    while (!talker.events.items.some((event) => describe(event) === 'client_logout sleepy') && sent < 5000) {
      for (let i = 0; i < 50; i++) talker.stream.write({ message: line });
      sent += 50;
      await talker.events.waitForCount(sent); // our own echoes: the server has handled them all
    }
    t.match(await server.waitFor('(sleepy) has logged out'), '(cut off after 1000 unread events)');
    talker.stream.write({ message: 'after the cut' });
    await waitForEvent(talker.events, 'client_message talker after the cut'); // the others go on
    sleepy.child.kill('SIGCONT'); // it reads what was queued, then the status
    t.equal((await sleepy.exited).code, 1);
    t.match(sleepy.output, /<<Client>>: the stream from .* ended: you are not reading; too many events queued$/m);
  });

  t.test('-h host:port sets the address the server listens on', async (t) => {
    const { server, port } = await setup(t, ['-h', '127.0.0.1:6262']); // --port 0 wins over the port
    t.match(server.output, new RegExp(`^${CLOCK} <<Server>>: starting on 127\\.0\\.0\\.1:${port}$`, 'm'));
    t.match(server.output, `Server listening on 127.0.0.1:${port}`);
    t.ok(await join(t, `127.0.0.1:${port}`, 'local'));
  });

  t.test('bad or missing flags print the usage line and exit 2; --help exits 0', async (t) => {
    const runs: Array<[string, string[], number]> = [
      ['server.ts', [], 2],
      ['server.ts', ['-p', PASSWORD, '-h', 'nohostport'], 2],
      ['server.ts', ['-p', PASSWORD, '--port', 'abc'], 2],
      ['server.ts', ['--help'], 0],
      ['client.ts', ['-n', 'alice'], 2],
      ['client.ts', ['-p', PASSWORD], 2],
      ['client.ts', ['-p', PASSWORD, '-n', 'alice', '-h', 'nohostport'], 2],
      ['client.ts', ['-p', PASSWORD, '-n', 'alice', '--hots', 'x'], 2],
    ];
    // Each run exits at once; start them together.
    const procs = runs.map(([script, args]) => new Proc(`${script} ${args.join(' ')}`, dir, script, args));
    for (const proc of procs) t.teardown(() => proc.stop());
    const exits = await Promise.all(procs.map((proc) => proc.exited));
    runs.forEach(([, , code], i) => {
      t.equal(exits[i].code, code, procs[i].name);
      t.match(procs[i].output, /Usage: npx ts-node/);
    });
  });

  t.test('a port already in use gets a clear message and exit 1', async (t) => {
    const { port } = await setup(t);
    const second = new Proc('second server', dir, 'server.ts', ['--port', String(port), '-p', PASSWORD]);
    t.teardown(() => second.stop());
    t.equal((await second.exited).code, 1);
    t.match(second.output, `Port ${port} is already in use`);
  });
});
