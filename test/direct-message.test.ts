// Stretch task (solutions/02-direct-message and later): @username direct messages,
// and the sender taken from the caller. Each check asks only what 01-chat/README.md's
// stretch task asks; what the solutions do beyond that is in solutions.test.ts.
import * as grpc from '@grpc/grpc-js';
import { chat, sharedServer } from './lib/chat';
import { Collector, statusOf } from './lib/grpc';
import { forStages } from './lib/stages';

forStages('solutions/02-direct-message', 'solutions/03-status-code', (t, dir) => {
  const server = sharedServer(t, dir); // the checks below use different names

  t.test('a direct message reaches its target and nobody else', async (t) => {
    const c = chat(t, dir);
    const { address } = await server();
    const alice = await c.joinAs(address, 'alice');
    const bob = await c.joinAs(address, 'bob');
    const carol = await c.joinAs(address, 'carol');
    alice.send('@bob the cake is in the fridge');
    t.ok(await bob.waitFor('alice (direct): the cake is in the fridge'));
    // A broadcast after it: each stream is in order, so once carol has the marker,
    // she would have had the direct message before it.
    alice.send('marker one');
    await carol.waitFor('alice: marker one');
    t.equal(carol.count(/cake/), 0, 'carol did not get it');
  });

  t.test('a direct message to nobody is delivered to nobody', async (t) => {
    const c = chat(t, dir);
    const { address } = await server();
    const listener = c.raw(address);
    await listener.unary('AddUser', { username: 'lurker' });
    const everything = new Collector(listener.serverStream('Listen', {}));
    await everything.started;
    const dave = await c.joinAs(address, 'dave');
    const erin = await c.joinAs(address, 'erin');
    dave.send('@zed psst');
    dave.send('marker two');
    await erin.waitFor('dave: marker two');
    t.equal(erin.count(/psst/), 0, 'erin did not get it');
    const items = await everything.waitForCount(1);
    t.notMatch(JSON.stringify(items), 'psst', 'nor did a Listen stream');
  });

  t.test('the sender is the name added from its connection, not the one it claims', async (t) => {
    const c = chat(t, dir);
    const { address } = await server();
    const frank = await c.joinAs(address, 'frank');
    const mallory = c.raw(address);
    await mallory.unary('AddUser', { username: 'mallory' });
    await mallory.unary('SendMessage', { msg: 'I am frank, trust me', user: { username: 'frank' } });
    t.ok(await frank.waitFor('mallory: I am frank, trust me'));
    t.equal(frank.count(/frank: I am frank/), 0, 'not shown as frank');
    const stranger = c.raw(address);
    const status = await statusOf(stranger.unary('SendMessage', { msg: 'hi', user: { username: 'frank' } }));
    t.not(status.code, grpc.status.OK, 'a connection without a name cannot post as frank');
  });
});
