// Task 1 (solutions/01-add-user and the stages after it): unique usernames.
import * as grpc from '@grpc/grpc-js';
import { ASKED_NAME, chat, pythonProto } from './lib/chat';
import { Collector, statusOf } from './lib/grpc';
import { forStages } from './lib/stages';

const TAKEN = 'Username taken, please choose another.';

forStages('solutions/01-add-user', 'solutions/03-status-code', (t, dir) => {
  t.test('messages show who sent them', async (t) => {
    const c = chat(t, dir);
    const { address } = await c.server();
    const alice = await c.joinAs(address, 'alice');
    const bob = await c.joinAs(address, 'bob');
    alice.send('hi, I am alice');
    for (const client of [alice, bob]) t.ok(await client.waitFor('alice: hi, I am alice'), client.name);
  });

  t.test('a taken name makes the real client ask again', async (t) => {
    const c = chat(t, dir);
    const { address } = await c.server();
    await c.joinAs(address, 'alice');
    const second = c.client(address, 'second');
    await second.waitFor(ASKED_NAME);
    second.send('alice');
    await second.waitFor(TAKEN);
    t.ok(await second.waitFor(ASKED_NAME, { from: second.lines.indexOf(TAKEN) }), 'asked again');
    second.send('bob');
    await second.waitFor(/Type a message/);
    second.send('hello');
    t.ok(await second.waitFor('bob: hello'));
  });

  t.test('two clients cannot hold one name, whatever the spaces around it', async (t) => {
    const c = chat(t, dir);
    const { address } = await c.server();
    const first = c.raw(address);
    const second = c.raw(address);
    t.not((await first.unary('AddUser', { username: 'carol' })).msg, TAKEN);
    t.equal((await second.unary('AddUser', { username: 'carol' })).msg, TAKEN);
    t.equal((await second.unary('AddUser', { username: '  carol ' })).msg, TAKEN);
  });

  t.test('bad names get INVALID_ARGUMENT with the reason', async (t) => {
    const c = chat(t, dir);
    const { address } = await c.server();
    const raw = c.raw(address);
    const cases: Array<[string, RegExp]> = [
      ['', /empty/],
      ['   ', /empty/],
      ['x'.repeat(33), /32 characters/],
      ['evil\u001b[2J', /control characters/],
      ['line\nbreak', /control characters/],
      ['two words', /one word/],
    ];
    for (const [username, reason] of cases) {
      const status = await statusOf(raw.unary('AddUser', { username }));
      t.equal(status.code, grpc.status.INVALID_ARGUMENT, JSON.stringify(username));
      t.match(status.details, reason);
    }
    t.not((await raw.unary('AddUser', { username: 'x'.repeat(32) })).msg, TAKEN, '32 characters is fine');
  });

  t.test('the real client shows why a name is refused and asks again', async (t) => {
    const c = chat(t, dir);
    const { address } = await c.server();
    const client = c.client(address);
    await client.waitFor(ASKED_NAME);
    client.send('x'.repeat(40));
    t.match(await client.waitFor('not allowed'), /32 characters/);
    client.send('dave');
    t.ok(await client.waitFor(/Type a message/));
  });

  t.test('SendMessage before AddUser fails with FAILED_PRECONDITION', async (t) => {
    const c = chat(t, dir);
    const { address } = await c.server();
    const raw = c.raw(address);
    const status = await statusOf(raw.unary('SendMessage', { msg: 'hi', user: { username: 'ghost' } }));
    t.equal(status.code, grpc.status.FAILED_PRECONDITION);
    t.match(status.details, 'add a user first');
  });

  t.test('the client exits 0 when input ends at the name prompt', async (t) => {
    const c = chat(t, dir);
    const { address } = await c.server();
    const client = c.client(address);
    await client.waitFor(ASKED_NAME);
    client.endInput();
    t.equal((await client.exited).code, 0);
  });

  t.test('a client built from the Python workshop proto can chat', async (t) => {
    const c = chat(t, dir);
    const { address } = await c.server();
    const python = c.raw(address, pythonProto('01-add-user'));
    await python.unary('AddUser', { username: 'py' });
    const listen = new Collector(python.serverStream('Listen', {}));
    await listen.started;
    const ts = await c.joinAs(address, 'ts');
    await python.unary('SendMessage', { msg: 'hi from python', user: { username: 'py' } });
    t.ok(await ts.waitFor('py: hi from python'));
    ts.send('hi from typescript');
    const items = await listen.waitForCount(2);
    t.same(items, [
      { msg: 'hi from python', user: { username: 'py' } },
      { msg: 'hi from typescript', user: { username: 'ts' } },
    ]);
  });
});

// Only in 01-add-user: names are never released (02 fixes that).
forStages('solutions/01-add-user', 'solutions/01-add-user', (t, dir) => {
  t.test('a name stays taken after its owner leaves', async (t) => {
    const c = chat(t, dir);
    const { server, address } = await c.server();
    const alice = await c.joinAs(address, 'alice');
    alice.endInput();
    await alice.exited;
    await server.waitFor('left (0 listening)');
    t.equal((await c.raw(address).unary('AddUser', { username: 'alice' })).msg, TAKEN);
  });
});
