// The bench tool itself (bench/run.ts): its flags, --json, Ctrl+C, and stages it
// cannot drive. Not a stage suite: `npm run check` leaves it out.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import type { Report } from '../bench/report';
import { bench, TINY } from './lib/bench';
import { Proc } from '../lib/processes';
import { haveRedis } from '../lib/redis';
import { ROOT } from './lib/stages';

// The bench tool itself, on the default stage (not part of an attendee's check).
t.test('the bench tool', async (t) => {
  const dir = path.join(ROOT, 'solutions/03-status-code');

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

// The Node.js processes whose parent is `pid` (Linux: read from /proc). Each also
// has an esbuild process that transpiles its TypeScript (lib/run-ts.js) and ends
// with it: that one is not a program the bench started.
function childrenOf(pid: number): number[] {
  return fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
        const [, name] = /^\d+ \((.*)\) /.exec(stat) ?? [];
        return name === 'node' && Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
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

// npm run bench:flood (bench/flood.ts): one flooder next to readers, with the
// stage's limits and without the posting limit.
t.test('bench:flood measures a flooder next to readers, with and without the limit', async (t) => {
  const run = new Proc('bench:flood', ROOT, 'bench/flood.ts', ['--stage', '01-chat', '--readers', '3', '--messages', '150', '--json']);
  t.teardown(() => run.stop());
  t.equal((await run.exited).code, 0, 'exit 0');
  const json = run.lines.filter((line) => !line.startsWith('bench:flood: ')).join('\n');
  const [shipped, lifted] = JSON.parse(json) as Array<Record<string, number | string | boolean>>;
  t.equal(shipped?.limits, 'limits as shipped');
  t.ok(Number(shipped?.refused) > 0 && Number(shipped?.accepted) >= 50, 'the burst goes through, then calls are refused');
  t.equal(Number(shipped?.accepted) + Number(shipped?.refused), 150);
  t.same([lifted?.limits, lifted?.accepted, lifted?.refused], ['posting limit lifted', 150, 0], 'all accepted without it');
  for (const figures of [shipped, lifted]) {
    t.equal(figures?.readersWithEverything, 3, 'every reader got every accepted message, in order');
    t.equal(figures?.clientPrintedEverything, true, 'and so did client.ts');
  }
  const usage = new Proc('bench:flood', ROOT, 'bench/flood.ts', ['--readers', 'many']);
  t.teardown(() => usage.stop());
  t.equal((await usage.exited).code, 2);
  t.match(usage.output, /Usage: npm run bench:flood/);
});

// npm run bench:replicas (bench/replicas.ts): 03 alone, then 07 with one and two
// replicas on one real Redis, at a tiny size.
t.test('bench:replicas measures 07 with replicas on one Redis next to 03', async (t) => {
  if (!haveRedis(t, 'the bench:replicas test')) return;
  const run = new Proc('bench:replicas', ROOT, 'bench/replicas.ts',
    ['--listeners', '20', '--channels', '4', '--messages', '20', '--rounds', '1', '--replicas', '1,2', '--json']);
  t.teardown(() => run.stop());
  t.equal((await run.exited).code, 0, 'exit 0');
  const json = run.lines.filter((line) => !line.startsWith('bench: ')).join('\n');
  const { rows } = JSON.parse(json) as { rows: Array<{ setup: string; perSecond: number; correct: boolean }> };
  t.same(rows.map((row) => row.setup), [
    '03-status-code, one process', '07-scale-out, 1 replica, one Redis', '07-scale-out, 2 replicas, one Redis',
  ]);
  for (const row of rows) {
    t.ok(row.correct, `${row.setup}: every message to every listener once, in one order`);
    t.ok(row.perSecond > 0, 'a rate was measured');
  }
  const usage = new Proc('bench:replicas', ROOT, 'bench/replicas.ts', ['--replicas', 'two']);
  t.teardown(() => usage.stop());
  t.equal((await usage.exited).code, 2);
  t.match(usage.output, /Usage: npm run bench:replicas/);
});
