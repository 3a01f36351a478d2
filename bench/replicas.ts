// replicas.ts: `npm run bench:replicas`. How fast does exercise 07's chat deliver
// with 1, 2 and 3 replicas sharing one Redis, next to 03 alone in one process? One
// load process (bench/load.ts) spreads its listeners over the replicas and sends
// from a client of the first; it checks that every listener got every message once,
// in one order. Flags: --listeners N --channels N --messages N --rounds N --replicas 1,2,3
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { NO_LIMITS, Proc } from '../lib/processes';
import { RedisServer, REDIS_INSTALL, redisInstalled } from '../lib/redis';
import type { Command, ConnectResult, SendResult } from './load';
import { ROOT } from './options';
import { machine } from './system';

const USAGE =
  'Usage: npm run bench:replicas -- [--listeners 300] [--channels 30] [--messages 100] [--rounds 3] [--replicas 1,2,3] [--json]';

function readOptions() {
  try {
    const { values } = parseArgs({
      options: {
        listeners: { type: 'string', default: '300' },
        channels: { type: 'string', default: '30' },
        messages: { type: 'string', default: '100' },
        rounds: { type: 'string', default: '3' },
        replicas: { type: 'string', default: '1,2,3' },
        json: { type: 'boolean', default: false },
      },
    });
    const numbers = [values.listeners, values.channels, values.messages, values.rounds].map(Number);
    const replicas = values.replicas.split(',').map(Number);
    if ([...numbers, ...replicas].every((n) => Number.isInteger(n) && n > 0)) {
      const [listeners, channels, messages, rounds] = numbers;
      return { listeners, channels, messages, rounds, replicas, json: values.json };
    }
  } catch {
    // an unknown flag: the usage line below
  }
  console.error(USAGE);
  process.exit(2);
}

const options = readOptions();
const running = new Set<Proc>();
const progress = (text: string) => console.error(`bench: ${text}`);

async function startServer(stage: string, args: string[]): Promise<string> {
  const proc = new Proc(`server (${stage})`, `${ROOT}/solutions/${stage}`, 'server.ts', ['--port', '0', ...args], NO_LIMITS);
  running.add(proc);
  const line = await proc.waitFor(/Server listening on \S+:\d+/, { ms: 60_000 });
  return `127.0.0.1:${/:(\d+)\s*$/.exec(line)?.[1]}`;
}

async function command<Result>(load: Proc, cmd: Exclude<Command, { op: 'quit' }>): Promise<Result> {
  const from = load.lines.length;
  load.send(JSON.stringify(cmd));
  const line = await load.waitFor(/^(RESULT|FAILED) /, { from, ms: cmd.timeoutMs + 10_000 });
  if (line.startsWith('FAILED ')) throw new Error(line.slice('FAILED '.length));
  return JSON.parse(line.slice('RESULT '.length)) as Result;
}

interface Row {
  setup: string;
  perSecond: number; // the best round
  rounds: number[];
  p50: number; // of the best round, ms
  p99: number;
  correct: boolean; // every round: every message to every listener once, one order
}

// The load against `addresses`: connect, then full-speed rounds; the best counts.
async function measure(setup: string, addresses: string[]): Promise<Row> {
  const { listeners, channels, messages, rounds } = options;
  const load = new Proc('load', ROOT, 'bench/load.ts', ['--address', addresses.join(','), '--stage-dir', `${ROOT}/solutions/03-status-code`]);
  running.add(load);
  await load.waitFor(/^READY$/, { ms: 60_000 });
  progress(`${setup}: connecting ${listeners} listeners`);
  await command<ConnectResult>(load, { op: 'connect', listeners, channels, stalled: 0, timeoutMs: 60_000 });
  const results: SendResult[] = [];
  for (let round = 0; round <= rounds; round++) {
    progress(`${setup}: ${messages} messages (round ${round} of ${rounds}${round === 0 ? ', not counted' : ''})`);
    const timeoutMs = 60_000 + messages * listeners;
    const result = await command<SendResult>(load, { op: 'send', messages, size: 64, window: 50, rate: 0, timeoutMs });
    if (round > 0) results.push(result);
  }
  await load.stop();
  const best = results.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
  return {
    setup,
    perSecond: best.perSecond,
    rounds: results.map((r) => r.perSecond),
    p50: best.latency.p50,
    p99: best.latency.p99,
    correct: results.every((r) => r.allDelivered && r.sameOrder),
  };
}

async function main(): Promise<void> {
  if (!redisInstalled()) throw new Error(`redis-server is not installed; ${REDIS_INSTALL}`);
  const host = machine();
  const rows: Row[] = [];
  rows.push(await measure('03-status-code, one process', [await startServer('03-status-code', [])]));
  await Promise.all([...running].map((proc) => proc.stop()));
  const redis = await RedisServer.launch();
  try {
    for (const count of options.replicas) {
      const flush = new Redis(redis.url);
      await flush.flushall();
      flush.disconnect();
      const replicas = await Promise.all(Array.from({ length: count }, () => startServer('07-scale-out', ['--redis', redis.url])));
      rows.push(await measure(`07-scale-out, ${count} replica${count > 1 ? 's' : ''}, one Redis`, replicas));
      await Promise.all([...running].map((proc) => proc.stop()));
    }
  } finally {
    await redis.stop();
  }
  if (options.json) {
    console.log(JSON.stringify({ machine: host, options, rows }, null, 2));
    return;
  }
  const { listeners, channels, messages, rounds } = options;
  console.log(`${listeners} listeners on ${channels} connections, ${messages} messages a round, 50 in flight, best of ${rounds} rounds`);
  console.log(`machine: ${host.cores} cores (${host.cpu}); load average before the run ${host.loadAverage}\n`);
  console.log(`${'setup'.padEnd(44)}${'deliveries/s'.padStart(14)}${'p50 / p99 ms'.padStart(18)}  every message once, one order`);
  for (const row of rows) {
    const latency = `${row.p50.toFixed(0)} / ${row.p99.toFixed(0)}`;
    console.log(`${row.setup.padEnd(44)}${Math.round(row.perSecond).toLocaleString('en').padStart(14)}${latency.padStart(18)}  ${row.correct ? 'yes' : 'NO'}`);
  }
}

main().then(
  () => process.exit(0),
  async (error: Error) => {
    console.error(`bench failed: ${error.message}`);
    await Promise.all([...running].map((proc) => proc.stop()));
    process.exit(1);
  },
);
process.once('SIGINT', () => void Promise.all([...running].map((proc) => proc.stop())).then(() => process.exit(130)));
