// What the reference solutions do beyond what their task texts ask: their own
// name rules and wordings, the Python workshop's contracts, names freed or kept when
// a user leaves. The task texts leave these open, so `npm run check` never runs this
// file against an attendee's folder (SOLUTION_SUITES in lib/stages.ts); npm test runs it on the
// solutions.
import * as grpc from '@grpc/grpc-js';
import { ASKED_NAME, TAKEN, chat, pythonProto, sharedServer } from './lib/chat';
import { Collector, statusOf } from './lib/grpc';
import type { Proc } from '../lib/processes';
import { forStages } from './lib/stages';

forStages('01-chat', '01-chat', (t, dir) => {
  t.test('a client built from the Python workshop proto can chat', async (t) => {
    const c = chat(t, dir);
    const { address } = await c.server();
    const python = c.raw(address, pythonProto('01-chat'));
    const listen = new Collector(python.serverStream('Listen', {}));
    await listen.started;
    const ts = await c.connect(address, 'ts');
    await python.unary('SendMessage', { msg: 'hi from python' });
    t.ok(await ts.waitFor('>>> hi from python'));
    ts.send('hi from typescript');
    t.same(await listen.waitForCount(2), [{ msg: 'hi from python' }, { msg: 'hi from typescript' }]);
  });
});

forStages('solutions/01-add-user', 'solutions/03-status-code', (t, dir) => {
  const server = sharedServer(t, dir);

  t.test('names are trimmed, at most 32 characters, one word, and refused with the reason', async (t) => {
    const c = chat(t, dir);
    const { address } = await server();
    const raw = c.raw(address);
    t.not((await raw.unary('AddUser', { username: 'x'.repeat(32) })).msg, TAKEN, '32 characters is fine');
    t.equal((await c.raw(address).unary('AddUser', { username: `  ${'x'.repeat(32)} ` })).msg, TAKEN, 'spaces around a name are ignored');
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
  });

  t.test('the client says a refused name is "not allowed", with the reason', async (t) => {
    const c = chat(t, dir);
    const { address } = await server();
    const client = c.client(address);
    await client.waitFor(ASKED_NAME);
    client.send('x'.repeat(40));
    t.match(await client.waitFor('not allowed'), /32 characters/);
  });

  t.test('SendMessage before AddUser fails with FAILED_PRECONDITION', async (t) => {
    const c = chat(t, dir);
    const { address } = await server();
    const status = await statusOf(c.raw(address).unary('SendMessage', { msg: 'hi', user: { username: 'ghost' } }));
    t.equal(status.code, grpc.status.FAILED_PRECONDITION);
    t.match(status.details, 'add a user first');
  });

  t.test('the client exits 0 when input ends at the name prompt', async (t) => {
    const c = chat(t, dir);
    const { address } = await server();
    const client = c.client(address);
    await client.waitFor(ASKED_NAME);
    client.endInput();
    t.equal((await client.exited).code, 0);
  });

  t.test('a client built from the Python workshop proto can chat', async (t) => {
    const c = chat(t, dir);
    const { address } = await server();
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

// 01-add-user never releases a name (a known limit; 02 releases them).
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

forStages('solutions/02-direct-message', 'solutions/03-status-code', (t, dir) => {
  const server = sharedServer(t, dir);

  t.test('a direct message to nobody is NOT_FOUND, and the client says so', async (t) => {
    const c = chat(t, dir);
    const { address } = await server();
    const alice = await c.joinAs(address, 'alice');
    alice.send('@zed psst');
    t.ok(await alice.waitFor('Message not sent: no user named zed'));
    const raw = c.raw(address);
    await raw.unary('AddUser', { username: 'raw' });
    const status = await statusOf(raw.unary('SendMessage', { msg: '@zed psst', user: { username: 'raw' } }));
    t.equal(status.code, grpc.status.NOT_FOUND);
    t.equal(status.details, 'no user named zed');
  });

  t.test('one connection holds one name; without one it cannot send', async (t) => {
    const c = chat(t, dir);
    const { address } = await server();
    const raw = c.raw(address);
    await raw.unary('AddUser', { username: 'erin' });
    const status = await statusOf(raw.unary('AddUser', { username: 'frank' }));
    t.equal(status.code, grpc.status.FAILED_PRECONDITION);
    t.match(status.details, 'erin');
    const stranger = await statusOf(c.raw(address).unary('SendMessage', { msg: 'hi', user: { username: 'erin' } }));
    t.equal(stranger.code, grpc.status.FAILED_PRECONDITION);
  });

  t.test('a direct message over gRPC arrives with the sender set by the server', async (t) => {
    const c = chat(t, dir);
    const { address } = await server();
    const target = c.raw(address);
    await target.unary('AddUser', { username: 'gina' });
    const inbox = new Collector(target.serverStream('Listen', {}));
    await inbox.started;
    const hank = await c.joinAs(address, 'hank');
    hank.send('@gina hello gina');
    t.same(await inbox.waitForCount(1), [{ msg: '@gina hello gina', user: { username: 'hank' } }]);
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
});

forStages('solutions/03-status-code', 'solutions/03-status-code', (t, dir) => {
  t.test('AddUser codes are ADDED = 1 and TAKEN = 2 on the wire, as the Python workshop has them', async (t) => {
    const c = chat(t, dir);
    const { address } = await c.server();
    // enums: Number shows the numbers the wire carries, as a Python client sees them.
    const python = c.raw(address, pythonProto('03-status-code'), { enums: Number });
    t.same(await python.unary('AddUser', { username: 'alice' }), { msg: 'User alice created.', code: 1 });
    const other = c.raw(address, pythonProto('03-status-code'), { enums: Number });
    t.same(await other.unary('AddUser', { username: 'alice' }), { msg: TAKEN, code: 2 });
  });
});
