// 01-chat: one room, SendMessage + a server-streaming Listen.
import * as grpc from '@grpc/grpc-js';
import { chat } from './lib/chat';
import { Collector, statusOf } from './lib/grpc';
import { forStages } from './lib/stages';

forStages('01-chat', '01-chat', (t, dir) => {
  t.test('a message comes back to its sender', async (t) => {
    const c = chat(t, dir);
    const { address } = await c.server();
    const alice = await c.connect(address, 'alice');
    alice.send('hello, world');
    t.match(await alice.waitFor('>>> '), />>> hello, world$/);
  });

  t.test('every connected client gets every message', async (t) => {
    const c = chat(t, dir);
    const { address } = await c.server();
    const clients = [await c.connect(address, 'a'), await c.connect(address, 'b'), await c.connect(address, 'c')];
    clients[1].send('from b');
    for (const client of clients) t.ok(await client.waitFor('>>> from b'), `${client.name} got it`);
  });

  t.test('a late joiner gets only messages sent after it joined', async (t) => {
    const c = chat(t, dir);
    const { address } = await c.server();
    const early = await c.connect(address, 'early');
    early.send('before');
    await early.waitFor('>>> before');
    const late = await c.connect(address, 'late');
    early.send('after');
    await late.waitFor('>>> after');
    // One stream delivers in order: had "before" reached late, it would be there by now.
    t.equal(late.count(/>>> before/), 0);
  });

  t.test('a killed listener is dropped and the others keep receiving', async (t) => {
    const c = chat(t, dir);
    const { server, address } = await c.server();
    const a = await c.connect(address, 'a');
    const b = await c.connect(address, 'b');
    await server.waitFor('(2 listening)');
    await b.stop('SIGKILL');
    await server.waitFor('left (1 listening)');
    a.send('still here');
    t.ok(await a.waitFor('>>> still here'));
  });

  t.test('a client with no server says so and exits 1', async (t) => {
    const c = chat(t, dir);
    const { server, address } = await c.server();
    await server.stop(); // the port is now free and nobody listens on it
    const client = c.client(address);
    t.equal((await client.exited).code, 1);
    t.match(client.output, `Cannot reach the chat server at ${address}`);
    t.notMatch(client.output, /at .*\.(ts|js):\d+/, 'no stack trace');
  });

  t.test('SIGINT stops the server with exit 0 and its clients are told', async (t) => {
    const c = chat(t, dir);
    const { server, address } = await c.server();
    const a = await c.connect(address, 'a');
    server.child.kill('SIGINT');
    t.same(await server.exited, { code: 0, signal: null });
    t.equal((await a.exited).code, 1);
    t.match(a.output, /Lost the chat server .*server shutting down/);
  });

  t.test('a client exits 0 at the end of its input', async (t) => {
    const c = chat(t, dir);
    const { address } = await c.server();
    const a = await c.connect(address, 'a');
    a.endInput();
    t.equal((await a.exited).code, 0);
  });

  t.test('gRPC: SendMessage answers and Listen streams what real clients send', async (t) => {
    const c = chat(t, dir);
    const { address } = await c.server();
    const raw = c.raw(address);
    const listen = new Collector(raw.serverStream('Listen', {}));
    await listen.started;
    const alice = await c.connect(address, 'alice');
    alice.send('typed by alice');
    t.same(await listen.waitForCount(1), [{ msg: 'typed by alice' }]);
    t.same(await raw.unary('SendMessage', { msg: 'sent over gRPC' }), { msg: 'Sent message' });
    t.ok(await alice.waitFor('>>> sent over gRPC'));
    t.equal((await statusOf(raw.unary('SendMessage', { msg: '' }))).code, grpc.status.OK, 'an empty message is dropped, not an error');
  });
});
