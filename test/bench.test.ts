// Fan-out at scale (issue 4): every broadcasting stage feeds hundreds of listeners
// in order, cuts off one that stops reading without hurting the others, and
// `npm run bench` runs from end to end. Correctness only: speed is the bench's job.
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { featuresOf } from '../lib/stages';
import { chat } from './lib/chat';
import { Collector, type RawClient } from './lib/grpc';
import { bench, TINY } from './lib/bench';
import { NO_LIMITS } from '../lib/processes';
import { forStages, ROOT } from './lib/stages';

const CUT_OFF = /A listener stopped reading/;

// A client that may send: in stages with users it first adds one, on its own connection.
async function sender(client: RawClient, dir: string, username: string) {
  const needsUser = featuresOf(dir).users;
  if (needsUser) await client.unary('AddUser', { username });
  return (msg: string) => client.unary('SendMessage', needsUser ? { msg, user: { username } } : { msg });
}

forStages('01-chat', 'solutions/03-status-code', (t, dir) => {
  t.test('every message reaches all of 500 listeners, in order', async (t) => {
    const c = chat(t, dir);
    const { server, address } = await c.server();
    // 500 streams over 50 connections, as 50 programs with 10 listeners each.
    const listeners: Collector[] = [];
    for (let i = 0; i < 50; i++) {
      const client = c.raw(address);
      for (let j = 0; j < 10; j++) listeners.push(new Collector(client.serverStream('Listen', {})));
    }
    await Promise.all(listeners.map((listener) => listener.started));
    await server.waitFor('(500 listening)');
    const send = await sender(c.raw(address), dir, 'fanout');
    const sent = Array.from({ length: 20 }, (_, i) => `message ${i}`);
    for (const msg of sent) await send(msg);
    let inOrder = 0;
    for (const listener of listeners) {
      const got = await listener.waitForCount(sent.length);
      if (got.every((item, i) => item.msg === sent[i])) inOrder++;
    }
    t.equal(inOrder, 500, 'all 500 listeners got the 20 messages in the order they were sent');
    t.equal(Math.max(...listeners.map((listener) => listener.items.length)), sent.length, 'and nothing else');
  });

  t.test('a stalled listener is cut off with RESOURCE_EXHAUSTED; the others keep receiving', async (t) => {
    const c = chat(t, dir);
    const { server, address } = await c.server(NO_LIMITS); // a flood from one sender, on purpose
    const reader = new Collector(c.raw(address).serverStream('Listen', {}));
    const stalled = new Collector(c.raw(address).serverStream('Listen', {}));
    // pause(): grpc-js stops asking for messages, so HTTP/2 flow control stops the
    // server sending, and the messages pile up in the server's queue for this stream.
    stalled.stream.pause();
    await Promise.all([reader.started, stalled.started]);
    const send = await sender(c.raw(address), dir, 'flood');
    // Long messages fill the stream's flow-control window quickly; then 1000 more
    // queue up. Send until the server gives up on the stalled stream.
    const sent: string[] = [];
    const filler = 'x'.repeat(3000);
    while (server.count(CUT_OFF) === 0 && sent.length < 5000) {
      sent.push(`${sent.length} ${filler}`);
      await send(sent[sent.length - 1]);
    }
    t.equal(server.count(CUT_OFF), 1, 'the server logged one cut-off');
    // The server carries on: later messages still reach the reader, all in order.
    sent.push('after the cut-off');
    await send('after the cut-off');
    t.ok(
      (await reader.waitForCount(sent.length)).every((item, i) => item.msg === sent[i]),
      `the reader got all ${sent.length} messages in order`,
    );
    // The status comes after the messages queued before it, so the stalled client
    // sees it once it reads again: some of the messages, in order, then the error.
    stalled.stream.resume();
    const ended = await stalled.ended;
    t.equal(ended.code, grpc.status.RESOURCE_EXHAUSTED, `ended with ${grpc.status[ended.code]}: ${ended.details}`);
    t.ok(stalled.items.length > 0 && stalled.items.length < sent.length - 1, `it got ${stalled.items.length} first`);
    t.ok(stalled.items.every((item, i) => item.msg === sent[i]), 'those in order');
    t.match(await server.waitFor('A listener left (1 listening)'), /left/, 'and it is no longer a listener');
  });
});

forStages('solutions/03-status-code', 'solutions/03-status-code', (t, dir) => {
  t.test('npm run bench runs from end to end with tiny numbers', async (t) => {
    const run = bench(t, [
      '--stage', dir, ...TINY, '--rate-seconds', '1',
      '--stalled', '1', '--stalled-live', '5', '--stalled-messages', '1200', '--size', '3000',
    ]);
    t.equal((await run.exited).code, 0, 'exit 0');
    const table = run.lines.filter((line) => !line.startsWith('bench: ')).join('\n');
    t.match(table, `Fan-out bench: ${path.relative(ROOT, dir)} and a bare grpc-js baseline`);
    // At full speed and at 20 msg/s, for the stage and the baseline. (Messages sent
    // at the same time may be broadcast in another order than they were sent.)
    const delivered = table.split('\n').filter((line) => line.includes('every message to every listener, in order'));
    t.equal(delivered.length, 2);
    for (const line of delivered) t.match(line, /in order +yes.* +yes.* +yes +met$/, 'all delivered, in one order');
    t.match(table, /stalled streams cut off \(RESOURCE_EXHAUSTED\) +1 of 1 +all +met/);
    t.match(table, /"stopped reading" lines in the server log +1\n/);
    t.match(table, /the others got everything, in order +yes/);
    // CPU and memory come from /proc, so only Linux has them all.
    if (process.platform === 'linux') t.notMatch(table, /n\/a/, 'every figure measured');
  });

});
