// Further task (solutions/03-status-code): AddUser answers with a proto enum.
import { chat, pythonProto } from './lib/chat';
import { forStages } from './lib/stages';

forStages('solutions/03-status-code', 'solutions/03-status-code', (t, dir) => {
  t.test('AddUser codes are ADDED = 1 and TAKEN = 2 on the wire', async (t) => {
    const c = chat(t, dir);
    const { address } = await c.server();
    // enums: Number shows the numbers the wire carries, as a Python client sees them.
    const python = c.raw(address, pythonProto('03-status-code'), { enums: Number });
    t.same(await python.unary('AddUser', { username: 'alice' }), { msg: 'User alice created.', code: 1 });
    const other = c.raw(address, pythonProto('03-status-code'), { enums: Number });
    t.same(await other.unary('AddUser', { username: 'alice' }), {
      msg: 'Username taken, please choose another.',
      code: 2,
    });
  });

  t.test('the client accepts a name by its code', async (t) => {
    const c = chat(t, dir);
    const { address } = await c.server();
    const raw = c.raw(address);
    t.same(await raw.unary('AddUser', { username: 'alice' }), { msg: 'User alice created.', code: 'ADDED' });
    // The real client never saw the old "Added user" text, yet it joins.
    const bob = await c.joinAs(address, 'bob');
    bob.send('in by code');
    t.ok(await bob.waitFor('bob: in by code'));
  });
});
