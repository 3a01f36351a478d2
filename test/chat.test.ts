// 01-chat: one room, SendMessage + a server-streaming Listen.
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { Collector, RawClient, statusOf } from './lib/grpc';
import { startClient, startServer, Proc } from './lib/processes';
import { forStages, ROOT } from './lib/stages';

const CONNECTED = /Type a message/;

forStages('01-chat', '01-chat', (t, dir) => {
  const proto = path.join(dir, 'chat.proto');

  async function setup() {
    const started = await startServer(dir);
    t.teardown(() => started.server.stop());
    return started;
  }
  async function join(address: string, name: string): Promise<Proc> {
    const client = startClient(dir, ['--host', address], name);
    t.teardown(() => client.stop());
    await client.waitFor(CONNECTED);
    return client;
  }
  function rawClient(address: string, protoPath = proto): RawClient {
    const client = new RawClient(protoPath, 'chat.Chat', address);
    t.teardown(() => client.close());
    return client;
  }

  t.test('a message comes back to its sender', async (t) => {
    const { address } = await setup();
    const alice = await join(address, 'alice');
    alice.send('hello, world');
    t.match(await alice.waitFor('>>> '), />>> hello, world$/);
  });

  t.test('every connected client gets every message', async (t) => {
    const { address } = await setup();
    const clients = [await join(address, 'a'), await join(address, 'b'), await join(address, 'c')];
    clients[1].send('from b');
    for (const client of clients) t.ok(await client.waitFor('>>> from b'), `${client.name} got it`);
  });

  t.test('a late joiner gets only messages sent after it joined', async (t) => {
    const { address } = await setup();
    const early = await join(address, 'early');
    early.send('before');
    await early.waitFor('>>> before');
    const late = await join(address, 'late');
    early.send('after');
    await late.waitFor('>>> after');
    // One stream delivers in order: had "before" reached late, it would be there by now.
    t.equal(late.count(/>>> before/), 0);
  });

  t.test('a killed listener is dropped and the others keep receiving', async (t) => {
    const { server, address } = await setup();
    const a = await join(address, 'a');
    const b = await join(address, 'b');
    await server.waitFor('(2 listening)');
    await b.stop('SIGKILL');
    await server.waitFor('left (1 listening)');
    a.send('still here');
    t.ok(await a.waitFor('>>> still here'));
  });

  t.test('a client with no server says so and exits 1', async (t) => {
    const { server, address } = await setup();
    await server.stop(); // the port is now free and nobody listens on it
    const client = startClient(dir, ['--host', address]);
    t.teardown(() => client.stop());
    const { code } = await client.exited;
    t.equal(code, 1);
    t.match(client.output, `Cannot reach the chat server at ${address}`);
    t.notMatch(client.output, /at .*\.(ts|js):\d+/, 'no stack trace');
  });

  t.test('SIGINT stops the server with exit 0 and its clients are told', async (t) => {
    const { server, address } = await setup();
    const a = await join(address, 'a');
    server.child.kill('SIGINT');
    t.same(await server.exited, { code: 0, signal: null });
    t.equal((await a.exited).code, 1);
    t.match(a.output, /Lost the chat server .*server shutting down/);
  });

  t.test('a client exits 0 at the end of its input', async (t) => {
    const { address } = await setup();
    const a = await join(address, 'a');
    a.endInput();
    t.equal((await a.exited).code, 0);
  });

  t.test('gRPC: SendMessage answers and Listen streams what real clients send', async (t) => {
    const { address } = await setup();
    const raw = rawClient(address);
    const listen = new Collector(raw.serverStream('Listen', {}));
    await listen.started;
    const alice = await join(address, 'alice');
    alice.send('typed by alice');
    t.same(await listen.waitForCount(1), [{ msg: 'typed by alice' }]);
    t.same(await raw.unary('SendMessage', { msg: 'sent over gRPC' }), { msg: 'Sent message' });
    t.ok(await alice.waitFor('>>> sent over gRPC'));
    t.equal((await statusOf(raw.unary('SendMessage', { msg: '' }))).code, grpc.status.INVALID_ARGUMENT);
  });

  t.test('a client built from the Python workshop proto can chat', async (t) => {
    const { address } = await setup();
    const python = rawClient(address, path.join(ROOT, 'test/fixtures/python-workshop/01-chat.proto'));
    const listen = new Collector(python.serverStream('Listen', {}));
    await listen.started;
    const ts = await join(address, 'ts');
    await python.unary('SendMessage', { msg: 'hi from python' });
    t.ok(await ts.waitFor('>>> hi from python'));
    ts.send('hi from typescript');
    t.same(await listen.waitForCount(2), [{ msg: 'hi from python' }, { msg: 'hi from typescript' }]);
  });

  t.test('bad flags print the usage line and exit 2', async (t) => {
    for (const [script, args] of [['server.ts', ['--port', 'abc']], ['client.ts', ['--hots', 'x']]] as const) {
      const proc = new Proc(script, dir, script, [...args]);
      t.teardown(() => proc.stop());
      t.equal((await proc.exited).code, 2, `${script} ${args.join(' ')}`);
      t.match(proc.output, /Usage: npx ts-node/);
    }
  });

  t.test('a port already in use gets a clear message and exit 1', async (t) => {
    const { port } = await setup();
    const second = new Proc('second server', dir, 'server.ts', ['--port', String(port)]);
    t.teardown(() => second.stop());
    t.equal((await second.exited).code, 1);
    t.match(second.output, `Port ${port} is already in use`);
  });
});
