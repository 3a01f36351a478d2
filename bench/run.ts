// run.ts: `npm run bench`. How many listeners can a stage's server feed, how fast,
// and what does one client that stops reading cost it? The server and the load
// (bench/load.ts: every listener and the sender) are separate processes, so each
// one's CPU and memory can be read from /proc; the same load then drives a bare
// grpc-js server (bench/baseline-server.ts) for comparison. `--help` lists the flags.
import { performance } from 'node:perf_hooks';
import { NO_LIMITS, Proc } from '../lib/processes';
import { loadContract } from './contract';
import type { Command, ConnectResult, ReleaseResult, SendResult } from './load';
import { readOptions, ROOT, USAGE } from './options';
import { table, type Measured, type Report, type ServerFigures, type StalledFigures, type Startup } from './report';
import { cpuPercentOver, cpuSeconds, machine, machineBusySeconds, rssBytes, sleep } from './system';

const options = readOptions();
try {
  loadContract(options.stageDir);
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}

const SETTLE_MS = 500; // after connecting, before reading memory and idle CPU
const IDLE_MS = 2000;

const running = new Set<Proc>(); // stopped at the end, on Ctrl+C and on failure

function progress(text: string): void {
  console.error(`bench: ${text}`); // stderr, so that --json output stays clean
}

async function stop(proc: Proc): Promise<void> {
  await proc.stop(); // SIGTERM, then SIGKILL after 5 s
  running.delete(proc);
}

interface Server {
  proc: Proc;
  pid: number;
  address: string;
  seconds: number; // from spawn to the "Server listening" line
}

// The bench measures what a server can do, so it lifts the limits that stop one
// client from using it all (limits.ts): connections per address, posting rate,
// and the lease on a name whose client never listens (the bench's sender).
// `npm run bench:flood` measures those limits.

async function startServer(kind: 'stage' | 'baseline'): Promise<Server> {
  const started = performance.now();
  const proc =
    kind === 'stage'
      ? new Proc(`server (${options.stage})`, options.stageDir, 'server.ts', ['--port', '0'], NO_LIMITS)
      : new Proc('baseline server', ROOT, 'bench/baseline-server.ts', ['--port', '0', '--stage-dir', options.stageDir]);
  running.add(proc);
  const line = await proc.waitFor(/Server listening on \S+:\d+/, { ms: 60_000 });
  const seconds = (performance.now() - started) / 1000;
  // Loopback, whatever interface the server bound.
  return { proc, pid: proc.child.pid ?? 0, address: `127.0.0.1:${/:(\d+)\s*$/.exec(line)?.[1]}`, seconds };
}

// The load process, driven one command at a time (see bench/load.ts).
class Load {
  private constructor(private readonly proc: Proc) {}

  static async start(address: string): Promise<Load> {
    const proc = new Proc('load', ROOT, 'bench/load.ts', ['--address', address, '--stage-dir', options.stageDir]);
    running.add(proc);
    await proc.waitFor(/^READY$/, { ms: 60_000 });
    return new Load(proc);
  }

  // The load enforces command.timeoutMs itself and says why it gave up; the extra
  // 10 s here only catch a load process that hangs.
  async run<Result>(command: Exclude<Command, { op: 'quit' }>): Promise<Result> {
    const from = this.proc.lines.length;
    this.proc.send(JSON.stringify(command));
    const line = await this.proc.waitFor(/^(RESULT|FAILED) /, { from, ms: command.timeoutMs + 10_000 });
    if (line.startsWith('FAILED ')) throw new Error(line.slice('FAILED '.length));
    return JSON.parse(line.slice('RESULT '.length)) as Result;
  }

  async quit(): Promise<void> {
    this.proc.send(JSON.stringify({ op: 'quit' } satisfies Command));
    const timer = setTimeout(() => void this.proc.stop(), 10_000);
    await this.proc.exited;
    clearTimeout(timer);
    running.delete(this.proc);
  }
}

// Generous limits: a phase that takes longer has gone wrong, not slow.
const connectTimeout = (listeners: number) => 30_000 + listeners * 5;
function sendCommand(messages: number, listeners: number, rate = 0): Extract<Command, { op: 'send' }> {
  const timeoutMs = 30_000 + (messages * listeners) / 2 + (rate > 0 ? (messages * 1000) / rate : 0);
  return { op: 'send', messages, size: options.size, window: options.window, rate, timeoutMs };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];

// Start the stage's server `--starts` times; time each, keep the last one running.
async function timedStarts(): Promise<{ startup: Startup; server: Server }> {
  const samples: number[] = [];
  for (let i = 1; i < options.starts; i++) {
    progress(`timing start-up of ${options.stage} (${i} of ${options.starts})`);
    const server = await startServer('stage');
    samples.push(server.seconds);
    await stop(server.proc);
  }
  progress(`timing start-up of ${options.stage} (${options.starts} of ${options.starts})`);
  const server = await startServer('stage');
  samples.push(server.seconds);
  return { startup: { median: median(samples), samples }, server };
}

// One server under test, with its own load process and listeners connected.
interface Side {
  name: string;
  server: Server;
  load: Load;
  figures: Omit<ServerFigures, 'throughput' | 'rounds'>;
  rounds: Array<ServerFigures['throughput']>;
}

// Connect the listeners, then watch the server idle: its memory and CPU.
async function prepare(name: string, server: Server, startup: Startup): Promise<Side> {
  const { listeners, channels, messages } = options;
  const load = await Load.start(server.address);
  progress(`${name}: connecting ${listeners} listeners over ${channels} channels`);
  const rssBeforeBytes = rssBytes(server.pid);
  const connect = await load.run<ConnectResult>({
    op: 'connect', listeners, channels, stalled: 0, timeoutMs: connectTimeout(listeners),
  });
  await sleep(SETTLE_MS);
  progress(`${name}: idle for ${IDLE_MS / 1000} s`);
  const idleCpuPercent = await cpuPercentOver(server.pid, IDLE_MS);
  const rssAfterBytes = rssBytes(server.pid);
  const rssPerListenerBytes =
    rssBeforeBytes === undefined || rssAfterBytes === undefined ? undefined : (rssAfterBytes - rssBeforeBytes) / listeners;
  // A round that does not count: JIT compilation and the heap's growth to its working
  // size happen here, not in the figures.
  await load.run<SendResult>(sendCommand(messages, listeners));
  return {
    name, server, load, rounds: [],
    figures: { startup, connect, rssBeforeBytes, rssAfterBytes, rssPerListenerBytes, idleCpuPercent },
  };
}

// Run one send phase, and note the CPU the server, the load and everything else used.
async function measured(side: Side, command: Extract<Command, { op: 'send' }>): Promise<Measured> {
  const pid = side.server.pid;
  const [cpuBefore, machineBefore] = [cpuSeconds(pid), machineBusySeconds()];
  const sent = await side.load.run<SendResult>(command);
  const [cpuAfter, machineAfter] = [cpuSeconds(pid), machineBusySeconds()];
  const serverCpuSeconds = cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
  // Percentages of one core over the phase's own span (the server does nearly all
  // its work inside it). What the machine did besides our two processes was someone
  // else's work: when it is high, the figures of this phase are low.
  const percent = (seconds: number) => (seconds * 100) / sent.seconds;
  return {
    ...sent,
    serverCpuSeconds,
    serverCpuPercent: serverCpuSeconds === undefined ? undefined : percent(serverCpuSeconds),
    loadCpuPercent: percent(sent.loadCpuSeconds),
    otherCpuPercent:
      serverCpuSeconds === undefined || machineBefore === undefined || machineAfter === undefined
        ? undefined
        : Math.max(0, percent(machineAfter - machineBefore - serverCpuSeconds - sent.loadCpuSeconds)),
  };
}

// Send `--messages` as fast as they are delivered.
async function fullSpeed(side: Side): Promise<void> {
  side.rounds.push(await measured(side, sendCommand(options.messages, options.listeners)));
}

// The round with the most deliveries/s: on a shared machine the others were slowed
// down by someone else's work, not by the code under test. CPU time per delivery
// hardly depends on that, so it is taken over all rounds.
function best(side: Side): ServerFigures {
  const throughput = side.rounds.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
  let cpu: number | undefined = 0;
  let deliveries = 0;
  for (const round of side.rounds) {
    cpu = cpu === undefined || round.serverCpuSeconds === undefined ? undefined : cpu + round.serverCpuSeconds;
    deliveries += round.deliveries;
  }
  return {
    ...side.figures,
    throughput,
    rounds: side.rounds.map((round) => round.perSecond),
    serverCpuMicrosPerDelivery: cpu === undefined ? undefined : (cpu * 1e6) / deliveries,
  };
}

async function paced(side: Side): Promise<void> {
  const { rate, listeners } = options;
  progress(`${side.name}: ${rate} messages/s for ${options['rate-seconds']} s`);
  side.figures.paced = { ...(await measured(side, sendCommand(rate * options['rate-seconds'], listeners, rate))), rate };
}

async function close(side: Side): Promise<void> {
  await side.load.quit();
  await stop(side.server.proc);
}

// A fresh server, listeners that never read next to ones that do, many messages.
// With stalled = 0 it is the control: the same traffic without stalled listeners.
async function stalledRun(stalled: number): Promise<StalledFigures> {
  const live = Math.min(options['stalled-live'], options.listeners);
  const messages = options['stalled-messages'];
  progress(
    stalled > 0
      ? `stalled: ${stalled} listeners that never read, ${live} that do, ${messages} messages`
      : `stalled: the same without stalled listeners, for comparison`,
  );
  const server = await startServer('stage');
  const load = await Load.start(server.address);
  await load.run<ConnectResult>({
    op: 'connect', listeners: live, channels: Math.min(options.channels, live), stalled,
    timeoutMs: connectTimeout(live + stalled),
  });
  await sleep(SETTLE_MS);
  const rssBeforeBytes = rssBytes(server.pid);
  let rssPeakBytes = rssBeforeBytes;
  const sampler = setInterval(() => {
    const rss = rssBytes(server.pid);
    if (rss !== undefined && rss > (rssPeakBytes ?? 0)) rssPeakBytes = rss;
  }, 100);
  const others = await load.run<SendResult>(sendCommand(messages, live)).finally(() => clearInterval(sampler));
  const rssAfterBytes = rssBytes(server.pid);
  if (rssAfterBytes !== undefined && rssAfterBytes > (rssPeakBytes ?? 0)) rssPeakBytes = rssAfterBytes;
  // The cut-off status waits behind the messages already queued for the stream (a
  // status always comes after the data), so the stalled clients see it only once
  // they read again: release them, and note how each stream ended.
  const { stalled: endings } = await load.run<ReleaseResult>({ op: 'release', timeoutMs: 15_000 });
  const cutOffLogged = server.proc.count(/A listener stopped reading/);
  await load.quit();
  await stop(server.proc);
  const growthBytes =
    rssBeforeBytes === undefined || rssAfterBytes === undefined ? undefined : rssAfterBytes - rssBeforeBytes;
  return { stalled, live, messages, rssBeforeBytes, rssAfterBytes, rssPeakBytes, growthBytes, cutOffLogged, endings, others };
}

async function main(): Promise<void> {
  const host = machine(); // now, for the load average before the bench adds its own
  const sides: Side[] = [];
  const { startup, server } = await timedStarts();
  sides.push(await prepare(options.stage, server, startup));
  if (options.baseline) {
    progress('starting the baseline server');
    const baseline = await startServer('baseline');
    sides.push(await prepare('baseline', baseline, { median: baseline.seconds, samples: [baseline.seconds] }));
  }
  // Rounds take turns between the two servers (stage first, then baseline first, …)
  // so that a busy spell on the machine does not fall on one of them only.
  for (let round = 0; round < options.rounds; round++) {
    for (const side of round % 2 === 0 ? sides : [...sides].reverse()) {
      progress(`${side.name}: ${options.messages} messages at full speed (round ${round + 1} of ${options.rounds})`);
      await fullSpeed(side);
    }
  }
  if (options.rate > 0) for (const side of sides) await paced(side);
  for (const side of sides) await close(side);
  const stage = best(sides[0]);
  const baseline = sides[1] ? best(sides[1]) : undefined;
  const [ours, bare] = [stage.serverCpuMicrosPerDelivery, baseline?.serverCpuMicrosPerDelivery];
  const report: Report = {
    machine: host,
    options,
    stage,
    baseline,
    ratio: baseline && stage.throughput.perSecond / baseline.throughput.perSecond,
    cpuRatio: ours === undefined || bare === undefined ? undefined : bare / ours,
  };
  if (options.stalled > 0) {
    report.stalled = await stalledRun(options.stalled);
    report.control = await stalledRun(0);
  }
  console.log(options.json ? JSON.stringify(report, null, 2) : table(report));
}

// Whatever happens, no process of ours outlives the bench.
let finishing = false;
async function finish(code: number): Promise<void> {
  if (finishing) return; // already stopping everything (Ctrl+C while a phase ran)
  finishing = true;
  await Promise.all([...running].map((proc) => stop(proc)));
  process.exit(code);
}

process.once('SIGINT', () => {
  progress('interrupted; stopping the servers and the load');
  void finish(130);
});
process.once('SIGTERM', () => void finish(143));

main().then(
  () => finish(0),
  (error: Error) => {
    if (finishing) return; // the phase failed because we are stopping its processes
    // A server that died explains more than the error it caused (unless the error
    // already quotes it).
    const dead = [...running]
      .filter((proc) => !proc.alive && !error.message.includes(proc.name))
      .map((proc) => `\n${proc.name} exited:\n${proc.lines.slice(-5).join('\n')}`);
    console.error(`bench failed: ${error.message}${dead.join('')}`);
    void finish(1);
  },
);
