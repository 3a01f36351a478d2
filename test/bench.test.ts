// Fan-out at scale (issue 4): every broadcasting stage feeds hundreds of listeners
// in order, cuts off one that stops reading without hurting the others, and
// `npm run bench` runs from end to end. Correctness only: speed is the bench's job.
import fs from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import t, { type Test } from 'tap';
import { loadContract } from '../bench/contract';
import type { Report } from '../bench/report';
import { chat } from './lib/chat';
import { Collector, type RawClient } from './lib/grpc';
import { Proc } from './lib/processes';
import { forStages, ROOT } from './lib/stages';

const CUT_OFF = /A listener stopped reading/;

// A client that may send: in stages with users it first adds one, on its own connection.
async function sender(client: RawClient, dir: string, username: string) {
  const needsUser = loadContract(dir).needsUser;
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
    const { server, address } = await c.server();
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

// The bench itself, driving a stage (the reference solution, or the folder under check).
function bench(t: Test, args: string[]): Proc {
  const proc = new Proc('bench', ROOT, 'bench/run.ts', args);
  t.teardown(() => proc.stop());
  return proc;
}

const TINY = ['--listeners', '20', '--channels', '4', '--messages', '5', '--starts', '1', '--rounds', '1'];

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

  t.test('--json prints the figures for programs', async (t) => {
    const run = bench(t, ['--stage', dir, ...TINY, '--starts', '2', '--rate', '0', '--stalled', '0', '--no-baseline', '--json']);
    t.equal((await run.exited).code, 0, 'exit 0');
    const json = run.lines.filter((line) => !line.startsWith('bench: ')).join('\n');
    const report = JSON.parse(json) as Report;
    t.equal(report.options.listeners, 20);
    t.equal(report.stage.connect.listeners, 20);
    t.equal(report.stage.throughput.deliveries, 100);
    t.ok(report.stage.throughput.allDelivered && report.stage.throughput.sameOrder, 'all delivered, in order');
    t.equal(report.baseline, undefined, 'no baseline when asked not to');
    t.equal(report.stalled, undefined, 'no stalled run with --stalled 0');
    t.type(report.stage.startup.median, 'number');
    t.type(report.stage.throughput.perSecond, 'number');
  });

  t.test('bad flags or an unknown stage print the usage line and exit 2; --help lists the flags', async (t) => {
    const runs = [['--listeners', 'many'], ['--stage', 'no-such-stage'], ['--bogus'], ['--help']].map((args) => ({
      args,
      run: bench(t, args),
    }));
    for (const { args, run } of runs) {
      t.equal((await run.exited).code, args[0] === '--help' ? 0 : 2, args.join(' '));
      t.match(run.output, /Usage: npm run bench/);
    }
    t.match(runs[3].run.output, /--stalled N +listeners that never read/);
    // The bench's own children refuse to start without what run.ts gives them.
    for (const script of ['bench/load.ts', 'bench/baseline-server.ts']) {
      const child = new Proc(script, ROOT, script, []);
      t.teardown(() => child.stop());
      t.equal((await child.exited).code, 2, script);
      t.match(child.output, `Usage: npx ts-node ${script}`);
    }
  });

  t.test('Ctrl+C stops the bench and every process it started', async (t) => {
    const run = bench(t, ['--stage', dir, ...TINY, '--rate', '0', '--stalled', '0', '--no-baseline']);
    await run.waitFor('idle for');
    const linux = process.platform === 'linux'; // where /proc tells who is running
    const started = linux ? childrenOf(run.child.pid ?? 0) : [];
    if (linux) t.equal(started.length, 2, 'a server and a load process were running');
    run.child.kill('SIGINT');
    t.equal((await run.exited).code, 130);
    t.match(run.output, /interrupted; stopping the servers and the load/);
    if (linux) t.same(started.filter((pid) => fs.existsSync(`/proc/${pid}`)), [], 'none of them is left');
  });
});

// The processes whose parent is `pid` (Linux: read from /proc).
function childrenOf(pid: number): number[] {
  return fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false; // it ended while we looked
      }
    })
    .map(Number);
}

// Stages the bench cannot drive, made up for these tests in a folder of their own.
t.test('the bench explains a stage it cannot drive, and exits 1 or 2', async (t) => {
  const chatProto = fs.readFileSync(path.join(ROOT, '01-chat', 'chat.proto'), 'utf8');
  const folders = t.testdir({
    // Listen is missing: the bench has nothing to measure.
    'no-listen': {
      'chat.proto': chatProto.replace(/rpc Listen.*\n/, ''),
      'server.ts': '',
    },
    // The server cannot start.
    'no-start': {
      'chat.proto': chatProto,
      'server.ts': "console.error('Port 0 is already in use'); process.exit(1);\n",
    },
    // SendMessage wants something the bench does not send, like a later stage's token.
    'needs-token': { 'chat.proto': chatProto, 'server.ts': NEEDS_TOKEN },
  });
  const cases = [
    ['no-listen', 2, /chat.Chat in .* needs a unary SendMessage and a server-streaming Listen/],
    ['no-start', 1, /bench failed: .*exited[\s\S]*Port 0 is already in use/],
    ['needs-token', 1, /bench failed: SendMessage failed: UNAUTHENTICATED a token, please/],
  ] as const;
  const runs = cases.map(([name]) => bench(t, ['--stage', path.join(folders, name), ...TINY, '--stalled', '0']));
  for (const [i, [name, code, pattern]] of cases.entries()) {
    t.equal((await runs[i].exited).code, code, name);
    t.match(runs[i].output, pattern);
    t.notMatch(runs[i].output, /at .*\.(ts|js):\d+/, 'no stack trace');
  }
});

const NEEDS_TOKEN = `
import fs from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
const proto = grpc.loadPackageDefinition(protoLoader.loadSync(path.join(__dirname, 'chat.proto'))) as unknown as {
  chat: { Chat: grpc.ServiceClientConstructor };
};
const server = new grpc.Server();
server.addService(proto.chat.Chat.service, {
  Listen: (call: grpc.ServerWritableStream<unknown, unknown>) => call.sendMetadata(new grpc.Metadata()),
  SendMessage: (_call: unknown, callback: grpc.sendUnaryData<unknown>) =>
    callback({ code: grpc.status.UNAUTHENTICATED, details: 'a token, please' }),
});
process.once('SIGTERM', () => process.exit(0));
server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (_error, port) =>
  console.log(\`Server listening on 127.0.0.1:\${port}\`));
`;
