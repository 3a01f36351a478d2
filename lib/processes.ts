// Real processes for black-box tests: a stage's server.ts and client.ts, run the
// way attendees run them (ts-node from inside the stage folder).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import type { Test } from 'tap';

// How to run a .ts file. The suites and `npm run check` start hundreds of processes,
// so they use the quickest start the stack has: esbuild-register transpiles each
// file without loading the TypeScript compiler (a server is ready in about half the
// time ts-node or tap's own loader take; README, Tests). Like ts-node with this
// repository's tsconfig, it only transpiles (npm run typecheck checks types), and its
// inline source maps let tap map the children's coverage to the .ts lines (tap
// collects it through NODE_V8_COVERAGE and the NODE_OPTIONS every child inherits).
// CHAT_RUN_TS=ts-node runs them the way attendees do (setup.sh's smoke test).
export const RUN_TS = process.env.CHAT_RUN_TS === 'ts-node'
  ? [require.resolve('ts-node/dist/bin.js')]
  : ['--enable-source-maps', path.join(__dirname, 'run-ts.js')];

// How long to wait for an event before calling it lost. A fixed figure is either
// too long for a quick machine or too short for a busy one, so the base is measured:
// every wait allows 15 times the slowest server start-up seen so far in this
// process, and never less than 20 s. Before the first start-up a wait allows 60 s.
// CHAT_WAIT_MS fixes it instead (for runs that expect lines never to come).
const FLOOR_MS = 20_000;
let slowestStartMs: number | undefined;
// CHAT_WAIT_MS sets it instead, for runs where a line is expected never to come.
export function patience(factor = 1): number {
  const fixed = Number(process.env.CHAT_WAIT_MS);
  if (fixed > 0) return factor * fixed;
  return factor * (slowestStartMs === undefined ? 60_000 : Math.max(FLOOR_MS, 15 * slowestStartMs));
}

// What a person types: the Enter key of a terminal sends a carriage return. A
// line reader (node:readline, on a terminal or a pipe) ends the line there, and
// prompts submits its answer.
export const ENTER = '\r';

// Escape sequences: CSI (colours, cursor moves), OSC (titles), and two-byte ones
// (ESC 7 and ESC 8 save and restore the cursor).
const ESCAPE = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[0-Z\\^-~])/g;
// What sends the cursor back to the start of the line, so that the text after it
// is drawn over the text before: a carriage return, erase-line, column 1.
const BACK_TO_START = /\r|\x1b\[[0-2]?K|\x1b\[1?G/g;

// One line as a terminal would show it: what the last redraw wrote (prompts draws
// its question again at every key), without the escape sequences.
export function onScreen(line: string): string {
  const drawn = line.split(BACK_TO_START).map((part) => part.replace(ESCAPE, ''));
  for (let i = drawn.length - 1; i >= 0; i--) if (drawn[i].trim() !== '') return drawn[i];
  return '';
}

// Every process started here, so none outlives the test run, whatever happens.
const running = new Set<Proc>();
process.on('exit', () => {
  for (const proc of running) proc.child.kill('SIGKILL');
});

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class Proc {
  readonly child: ChildProcessWithoutNullStreams;
  readonly lines: string[] = []; // stdout and stderr, line by line as printed, in arrival order
  readonly exited: Promise<Exit>;
  private partial = { stdout: '', stderr: '' }; // a line printed without its newline (yet)
  private waiters: Array<() => void> = [];

  constructor(readonly name: string, dir: string, script: string, args: string[], env: NodeJS.ProcessEnv = {}) {
    this.child = spawn(process.execPath, [...RUN_TS, script, ...args], {
      cwd: dir,
      env: { ...process.env, ...env, FORCE_COLOR: '0' },
    });
    running.add(this);
    this.child.stdout.on('data', (chunk: Buffer) => this.take('stdout', chunk));
    this.child.stderr.on('data', (chunk: Buffer) => this.take('stderr', chunk));
    this.child.stdin.on('error', () => {}); // writing to a process that died is not our error
    this.exited = new Promise((resolve) => {
      this.child.on('close', (code, signal) => {
        running.delete(this);
        for (const stream of ['stdout', 'stderr'] as const) {
          if (this.partial[stream]) this.lines.push(this.partial[stream]);
          this.partial[stream] = '';
        }
        this.wake();
        resolve({ code, signal });
      });
    });
  }

  // Everything printed so far, as printed (escape sequences included), with the
  // line still being written.
  get output(): string {
    return [...this.lines, ...this.unfinished()].join('\n');
  }

  // The same as a person sees it on a terminal: see onScreen.
  get screen(): string {
    return [...this.lines, ...this.unfinished()].map(onScreen).join('\n');
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  private unfinished(): string[] {
    return [this.partial.stdout, this.partial.stderr].filter((text) => text !== '');
  }

  private take(stream: 'stdout' | 'stderr', chunk: Buffer): void {
    const parts = (this.partial[stream] + chunk.toString()).split('\n');
    this.partial[stream] = parts.pop() ?? '';
    this.lines.push(...parts);
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }

  // Resolve with the first line from index `from` on that matches as shown on a
  // terminal, or reject after `ms` (or as soon as the process exits without
  // printing it). The line being written counts: a question such as prompts asks
  // ends without a newline, where the answer is typed.
  // With `ended`, only lines printed to their end count.
  waitFor(pattern: RegExp | string, { from = 0, ms = patience(), ended = false } = {}): Promise<string> {
    const matches = (line: string) => (typeof pattern === 'string' ? line.includes(pattern) : pattern.test(line));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => fail('timed out'), ms);
      const fail = (why: string) => {
        clearTimeout(timer);
        reject(new Error(`${this.name}: ${why} waiting for ${String(pattern)}; output so far:\n${this.screen}`));
      };
      const check = () => {
        const line = [...this.lines.slice(from), ...(ended ? [] : this.unfinished())].map(onScreen).find(matches);
        if (line !== undefined) {
          clearTimeout(timer);
          resolve(line);
        } else if (!this.alive && this.child.stdout.readableEnded) {
          fail('exited');
        } else {
          this.waiters.push(check);
        }
      };
      check();
    });
  }

  // Count of complete lines so far that match; with waitFor(…, { from }) it lets
  // a test look only at what arrives after a point.
  count(pattern: RegExp): number {
    return this.lines.filter((line) => pattern.test(onScreen(line))).length;
  }

  // Type a line and press Enter.
  send(line: string): void {
    this.child.stdin.write(`${line}${ENTER}`);
  }

  endInput(): void {
    this.child.stdin.end();
  }

  // Ask the process to stop (SIGTERM lets it finish cleanly); kill it if it will not.
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<Exit> {
    if (this.alive) this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }
}

// For tests (and bench runs) that flood one server from one address on purpose: the
// limits of limits.ts on connections per address and on posting, lifted, and a
// name that lasts without a Listen stream (the bench's sender never listens).
export const NO_LIMITS = {
  CHAT_SEND_RATE: '0',
  CHAT_MAX_CONNECTIONS_PER_ADDRESS: '1000000',
  CHAT_MAX_CONNECTIONS: '1000000',
  CHAT_NAME_LEASE_MS: String(24 * 60 * 60_000),
};

// Start a stage's server on a free port; resolves once it prints its listening line.
export async function startServer(dir: string, args: string[] = [], env?: NodeJS.ProcessEnv) {
  const started = Date.now();
  const server = new Proc(`server (${path.basename(dir)})`, dir, 'server.ts', ['--port', '0', ...args], env);
  const line = await server.waitFor(/Server listening on \S+:\d+/);
  slowestStartMs = Math.max(slowestStartMs ?? 0, Date.now() - started);
  const port = Number(/:(\d+)\s*$/.exec(line)?.[1]);
  return { server, port, address: `localhost:${port}` };
}

export function startClient(dir: string, args: string[], name = 'client', env?: NodeJS.ProcessEnv): Proc {
  return new Proc(name, dir, 'client.ts', args, env);
}

// Run a script to its end (stopped with the test if it hangs): its exit code and
// everything it printed.
export async function runScript(
  t: Test, dir: string, script: string, args: string[], env?: NodeJS.ProcessEnv,
): Promise<{ code: number | null; output: string }> {
  const proc = new Proc(path.basename(script), dir, script, args, env);
  t.teardown(() => proc.stop());
  const { code } = await proc.exited;
  return { code, output: proc.output };
}

// `count` different ports that nobody listens on (free when this returns).
export async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => net.createServer());
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))));
  const ports = servers.map((server) => (server.address() as net.AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}
