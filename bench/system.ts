// system.ts: what the bench reads about a process and the machine. CPU time and
// memory come from Linux's /proc; elsewhere (macOS, Windows) they read as undefined
// and the report says "n/a".
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';

// /proc counts CPU time in clock ticks, nearly always 100 a second.
const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100;
  } catch {
    return 100;
  }
})();

function read(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

// CPU seconds (user + system) the process has used so far.
export function cpuSeconds(pid: number): number | undefined {
  const stat = read(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  // The fields after "(command name)": state is the first, utime the 12th, stime the 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

// Resident memory (RSS) in bytes.
export function rssBytes(pid: number): number | undefined {
  const kib = /VmRSS:\s+(\d+) kB/.exec(read(`/proc/${pid}/status`) ?? '')?.[1];
  return kib === undefined ? undefined : Number(kib) * 1024;
}

// CPU seconds the whole machine has spent busy (all cores, every process), from the
// first line of /proc/stat: user nice system idle iowait irq softirq steal …
export function machineBusySeconds(): number | undefined {
  const fields = read('/proc/stat')?.split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  if (fields === undefined) return undefined;
  const [user, nice, system, , , irq, softirq, steal] = fields;
  return (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND;
}

// CPU use over the next `ms` milliseconds, as a percentage of one core.
export async function cpuPercentOver(pid: number, ms: number): Promise<number | undefined> {
  const before = cpuSeconds(pid);
  await sleep(ms);
  const after = cpuSeconds(pid);
  return before === undefined || after === undefined ? undefined : ((after - before) * 100_000) / ms;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  grpcJs: string;
  loadAverage: number; // over the last minute, when the bench started: other work on the machine
  openFilesLimit?: number; // each listener's connection needs file descriptors
}

export function machine(): Machine {
  const cpus = os.cpus();
  const limit = /Max open files\s+(\d+)/.exec(read('/proc/self/limits') ?? '')?.[1];
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    grpcJs: (JSON.parse(fs.readFileSync(require.resolve('@grpc/grpc-js/package.json'), 'utf8')) as { version: string })
      .version,
    loadAverage: Number(os.loadavg()[0].toFixed(2)),
    openFilesLimit: limit === undefined ? undefined : Number(limit),
  };
}
