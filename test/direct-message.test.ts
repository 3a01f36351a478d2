// Stretch task (solutions/02-direct-message and later): @username direct messages,
// names tied to the client that added them.
import * as grpc from '@grpc/grpc-js';
import { chat } from './lib/chat';
import { Collector, statusOf } from './lib/grpc';
import type { Proc } from '../lib/processes';
import { forStages } from './lib/stages';

forStages('solutions/02-direct-message', 'solutions/03-status-code', (t, dir) => {
  t.test('a direct message reaches its target and nobody else', async (t) => {
    const c = chat(t, dir);
    const { address } = await c.server();
    const alice = await c.joinAs(address, 'alice');
    const bob = await c.joinAs(address, 'bob');
    const carol = await c.joinAs(address, 'carol');
    alice.send('@bob the cake is in the fridge');
    t.ok(await bob.waitFor('alice (direct): the cake is in the fridge'));
    // A broadcast after it: each stream is in order, so once carol and alice have
    // the marker, they would have had the direct message before it.
    alice.send('marker');
    for (const client of [alice, carol]) {
      await client.waitFor('alice: marker');
      t.equal(client.count(/cake/), 0, `${client.name} did not get it`);
    }
  });

  t.test('a direct message to nobody is NOT_FOUND and delivered to nobody', async (t) => {
    const c = chat(t, dir);
    const { address } = await c.server();
    const alice = await c.joinAs(address, 'alice');
    const bob = await c.joinAs(address, 'bob');
    alice.send('@zed psst');
    t.ok(await alice.waitFor('Message not sent: no user named zed'));
    const raw = c.raw(address);
    await raw.unary('AddUser', { username: 'raw' });
    const status = await statusOf(raw.unary('SendMessage', { msg: '@zed psst', user: { username: 'raw' } }));
    t.equal(status.code, grpc.status.NOT_FOUND);
    t.equal(status.details, 'no user named zed');
    alice.send('marker');
    for (const client of [alice, bob]) {
      await client.waitFor('alice: marker');
      t.equal(client.count(/psst/), 0, `${client.name} did not get it`);
    }
  });

  t.test('the sender is the name added from its connection, not the one it claims', async (t) => {
    const c = chat(t, dir);
    const { address } = await c.server();
    const alice = await c.joinAs(address, 'alice');
    const mallory = c.raw(address);
    await mallory.unary('AddUser', { username: 'mallory' });
    await mallory.unary('SendMessage', { msg: 'I am alice, trust me', user: { username: 'alice' } });
    t.ok(await alice.waitFor('mallory: I am alice, trust me'));
    t.equal(alice.count(/^alice: I am alice/), 0);
    const stranger = c.raw(address);
    const status = await statusOf(stranger.unary('SendMessage', { msg: 'hi', user: { username: 'alice' } }));
    t.equal(status.code, grpc.status.FAILED_PRECONDITION, 'a connection without a name cannot post as alice');
  });

  t.test('one connection holds one name', async (t) => {
    const c = chat(t, dir);
    const { address } = await c.server();
    const raw = c.raw(address);
    await raw.unary('AddUser', { username: 'erin' });
    const status = await statusOf(raw.unary('AddUser', { username: 'frank' }));
    t.equal(status.code, grpc.status.FAILED_PRECONDITION);
    t.match(status.details, 'erin');
  });

  const endings: Array<[string, (client: Proc) => void]> = [
    ['quits', (client) => client.endInput()],
    ['is killed', (client) => client.child.kill('SIGKILL')],
  ];
  for (const [how, end] of endings) {
    t.test(`a name is free again after its owner ${how}`, async (t) => {
      const c = chat(t, dir);
      const { server, address } = await c.server();
      const alice = await c.joinAs(address, 'alice');
      end(alice);
      await alice.exited;
      // The server's own account of its state: the name was released.
      t.ok(await server.waitFor('Released user alice (0 users)'));
      const again = await c.joinAs(address, 'alice');
      again.send('back again');
      t.ok(await again.waitFor('alice: back again'));
    });
  }

  t.test('a direct message over gRPC arrives with the sender set by the server', async (t) => {
    const c = chat(t, dir);
    const { address } = await c.server();
    const target = c.raw(address);
    await target.unary('AddUser', { username: 'gina' });
    const inbox = new Collector(target.serverStream('Listen', {}));
    await inbox.started;
    const alice = await c.joinAs(address, 'alice');
    alice.send('@gina hello gina');
    t.same(await inbox.waitForCount(1), [{ msg: '@gina hello gina', user: { username: 'alice' } }]);
  });
});
