// A real redis-server for the suites that need one (07-scale-out): started on a free
// port with nothing saved to disk, stopped and restarted on the same port by tests.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import type { Test } from 'tap';
import { freePorts } from './processes';

export const REDIS_INSTALL =
  'install it with `sudo apt-get install redis-server` (Debian, Ubuntu) or `brew install redis` (macOS). ' +
  '(The suite starts redis-server processes itself; a Redis in Docker, `docker run -p 6379:6379 redis:7`, is enough for the exercise but not for this suite.)';

// Every redis-server started here, so none outlives the test run.
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export function redisInstalled(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

// For a test that needs redis-server: true when it is installed. Otherwise the test
// says by name that it did not run, with how to install it: the one test that may be
// left out on a laptop, never in CI (.ci/run installs it), where it fails instead.
export function haveRedis(t: Test, what: string): boolean {
  if (redisInstalled()) return true;
  const why = `redis-server is not installed, so ${what} did NOT run: ${REDIS_INSTALL}`;
  if (process.env.CI) t.fail(why);
  else t.test(what, { skip: why }, () => {});
  return false;
}

export class RedisServer {
  private child?: ChildProcess;

  constructor(readonly port: number) {}  // not started: restart() starts it

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  // A new one on a free port, stopped when the test ends.
  static async start(t: Test): Promise<RedisServer> {
    const redis = await RedisServer.launch();
    t.teardown(() => redis.stop());
    return redis;
  }

  static async launch(): Promise<RedisServer> {
    const [port] = await freePorts(1);
    const redis = new RedisServer(port);
    await redis.restart();
    return redis;
  }

  // Start (again) on the same port; resolves once it accepts connections.
  restart(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    running.add(child);
    child.on('exit', () => running.delete(child));
    return new Promise((resolve, reject) => {
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) resolve();
      });
      child.on('exit', () => reject(new Error(`redis-server exited:\n${output}`)));
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}
