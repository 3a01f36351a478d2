// Task 1 (solutions/01-add-user and the stages after it): usernames. Each check asks
// only what 01-chat/README.md's Task 1 asks, with the texts it names; what the
// solutions do beyond that is in solutions.test.ts.
import * as grpc from '@grpc/grpc-js';
import { ASKED_NAME, CONNECTED, TAKEN, asked, chat, sharedServer } from './lib/chat';
import { Collector, statusOf } from './lib/grpc';
import { forStages } from './lib/stages';

// Names no chat should accept, whatever its own rules.
const BAD_NAMES: Array<[string, string]> = [
  ['', 'an empty name'],
  ['x'.repeat(1000), 'a name of 1,000 characters'],
  ['evil\u001b[2J', 'a name with an escape sequence'],
  ['line\nbreak', 'a name with a line break'],
];

forStages('solutions/01-add-user', 'solutions/03-status-code', (t, dir) => {
  const server = sharedServer(t, dir); // the checks below use different names

  t.test('messages show who sent them', async (t) => {
    const c = chat(t, dir);
    const { address } = await server();
    const alice = await c.joinAs(address, 'alice');
    const bob = await c.joinAs(address, 'bob');
    alice.send('hi, I am alice');
    for (const client of [alice, bob]) t.ok(await client.waitFor('alice: hi, I am alice'), client.name);
  });

  t.test('AddUser answers a taken name with the "taken" text', async (t) => {
    const c = chat(t, dir);
    const { address } = await server();
    const first = await c.raw(address).unary('AddUser', { username: 'carol' });
    t.not(first.msg, TAKEN, 'a new name is accepted');
    t.equal((await c.raw(address).unary('AddUser', { username: 'carol' })).msg, TAKEN, 'the same name again is taken');
  });

  t.test('a taken name makes the client ask again', async (t) => {
    const c = chat(t, dir);
    const { address } = await server();
    // dana is in the chat: added, and listening, as a client is once it has a name.
    const dana = c.raw(address);
    await dana.unary('AddUser', { username: 'dana' });
    await new Collector(dana.serverStream('Listen', {})).started;
    const client = c.client(address, 'client');
    await client.waitFor(ASKED_NAME);
    client.send('dana');
    await client.waitFor(TAKEN);
    await asked(client, 2);
    const typed = client.lines.length;
    client.send('dana2');
    await client.waitFor(CONNECTED, { from: typed });
    client.send('hello');
    t.ok(await client.waitFor('dana2: hello'));
  });

  t.test('bad names get INVALID_ARGUMENT with a reason', async (t) => {
    const c = chat(t, dir);
    const { address } = await server();
    const raw = c.raw(address);
    for (const [username, what] of BAD_NAMES) {
      const status = await statusOf(raw.unary('AddUser', { username }));
      t.equal(status.code, grpc.status.INVALID_ARGUMENT, `${what}: INVALID_ARGUMENT`);
      t.not(status.details.trim(), '', `${what}: a reason`);
    }
  });

  t.test('the client shows why a name is refused and asks again', async (t) => {
    const c = chat(t, dir);
    const { address } = await server();
    const tooLong = 'x'.repeat(1000);
    const { details } = await statusOf(c.raw(address).unary('AddUser', { username: tooLong }));
    const client = c.client(address);
    await client.waitFor(ASKED_NAME);
    const typed = client.lines.length;
    client.send(tooLong);
    const reason = details.trim();
    if (reason === '') {
      t.fail('the server gave no reason for a name of 1,000 characters');
      return;
    }
    t.ok(await client.waitFor(reason, { from: typed }), 'shows the reason');
    await asked(client, 2);
    const again = client.lines.length;
    client.send('erin');
    t.ok(await client.waitFor(CONNECTED, { from: again }));
  });
});
