// Further task (solutions/03-status-code): AddUser answers with a code from a proto
// enum, and the client decides by that code. Each check asks only what
// 01-chat/README.md's further task asks: the enum's and the field's names are the
// attendee's, so they are read from the folder's own chat.proto.
import { ASKED_NAME, CONNECTED, asked, chat, sharedServer } from './lib/chat';
import { addUserCode, fakeServer } from './lib/enum-code';
import { forStages } from './lib/stages';

forStages('solutions/03-status-code', 'solutions/03-status-code', (t, dir) => {
  const server = sharedServer(t, dir);

  t.test('AddUser answers with an enum code: one for added, another for taken, neither 0', async (t) => {
    const c = chat(t, dir);
    const { address } = await server();
    const added = await addUserCode(c.raw(address, undefined, { enums: Number }), dir, 'alice');
    const taken = await addUserCode(c.raw(address, undefined, { enums: Number }), dir, 'alice');
    t.not(added.value, 0, `a new name: ${added.field} is not the zero value`);
    t.not(taken.value, 0, `a taken name: ${taken.field} is not the zero value`);
    t.not(added.value, taken.value, 'added and taken have different codes');
  });

  t.test('the client decides by the code, not by the text', async (t) => {
    const c = chat(t, dir);
    const { address } = await server();
    // What this server answers; then a server that words its answers differently.
    const added = await addUserCode(c.raw(address, undefined, { enums: Number }), dir, 'bob');
    const taken = await addUserCode(c.raw(address, undefined, { enums: Number }), dir, 'bob');
    const fake = await fakeServer(t, dir, [
      { msg: 'Welcome!', [taken.field]: taken.value },
      { msg: 'Username taken, please choose another.', [added.field]: added.value },
    ]);
    const client = c.client(fake.address);
    await client.waitFor(ASKED_NAME);
    client.send('first');
    // "Welcome!" with the taken code: asked again.
    await asked(client, 2);
    const typed = client.lines.length;
    client.send('second');
    t.ok(await client.waitFor(CONNECTED, { from: typed }), 'the "taken" text with the added code: in');
    client.send('in by code');
    t.ok(await client.waitFor('in by code'), 'and chatting');
  });
});
