// report.ts: the bench's figures, and the table that shows them next to the
// issue's targets (which are set for 1000 listeners, 20 messages/s, 2 cores).
import type { ConnectResult, ReleaseResult, SendResult } from './load';
import type { Options } from './options';
import type { Machine } from './system';

export interface Startup {
  median: number; // seconds from spawning the process to its "Server listening" line
  samples: number[];
}

// A send phase, with the CPU used meanwhile (percentages are of one core).
export type Measured = SendResult & {
  serverCpuSeconds?: number;
  serverCpuPercent?: number;
  loadCpuPercent: number;
  otherCpuPercent?: number; // the rest of the machine: other people's work
};

export interface ServerFigures {
  startup: Startup;
  connect: ConnectResult;
  rssBeforeBytes?: number; // before the listeners connect
  rssAfterBytes?: number; // with all of them connected
  rssPerListenerBytes?: number;
  idleCpuPercent?: number; // of one core, over 2 s with everyone connected
  throughput: Measured; // the best round
  rounds: number[]; // deliveries/s of every round
  serverCpuMicrosPerDelivery?: number; // over all rounds
  paced?: Measured & { rate: number };
}

export interface StalledFigures {
  stalled: number;
  live: number;
  messages: number;
  rssBeforeBytes?: number;
  rssAfterBytes?: number;
  rssPeakBytes?: number;
  growthBytes?: number; // after − before
  cutOffLogged: number; // "A listener stopped reading" lines in the server's log
  endings: ReleaseResult['stalled'];
  others: SendResult; // the live listeners meanwhile
}

export interface Report {
  machine: Machine;
  options: Options;
  stage: ServerFigures;
  baseline?: ServerFigures;
  ratio?: number; // stage deliveries/s ÷ baseline deliveries/s
  // baseline CPU per delivery ÷ the stage's: the same comparison, blind to how
  // fast the load process reads (on 2 cores it is often the slower of the two)
  cpuRatio?: number;
  stalled?: StalledFigures;
  control?: StalledFigures; // the same run without stalled listeners
}

const MB = 1e6;
const num = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const maybe = (value: number | undefined, show: (value: number) => string) =>
  value === undefined ? 'n/a' : show(value);
const ms = (value: number) => (value < 10 ? num(value, 2) : value < 100 ? num(value, 1) : num(value));
const latency = ({ latency: l }: SendResult) => `${ms(l.p50)} / ${ms(l.p99)} / ${ms(l.max)} ms`;
const yesNo = (ok: boolean) => (ok ? 'yes' : 'NO');
const verdict = (ok: boolean | undefined) => (ok === undefined ? '' : ok ? 'met' : 'MISSED');
const ordered = (r: SendResult) => yesNo(r.allDelivered && r.sameOrder) + (r.sendOrder ? '' : ' (not the send order)');

const cpu = (r: Measured) =>
  `${maybe(r.serverCpuPercent, num)} / ${num(r.loadCpuPercent)} / ${maybe(r.otherCpuPercent, num)} %`;

type Row = [label: string, stage: string, baseline: string, target: string, met: string];

function serverRows(report: Report): Row[] {
  const { stage: s, baseline: b, options: o } = report;
  const both = (show: (figures: ServerFigures) => string): [string, string] => [show(s), b ? show(b) : ''];
  const rows: Row[] = [
    [`start-up to "Server listening" (median of ${o.starts})`, ...both((f) => `${num(f.startup.median, 2)} s`),
      '< 1.0 s', verdict(s.startup.median < 1)],
    ['listeners connected', ...both((f) => `${num(f.connect.listeners)} in ${num(f.connect.seconds, 1)} s`),
      '', ''],
    [`idle CPU over 2 s, % of one core`, ...both((f) => maybe(f.idleCpuPercent, (v) => `${num(v, 1)} %`)),
      '< 1 %', verdict(s.idleCpuPercent === undefined ? undefined : s.idleCpuPercent < 1)],
    ['memory per listener (RSS)', ...both((f) => maybe(f.rssPerListenerBytes, (v) => `${num(v / 1024, 1)} KiB`)),
      '', ''],
    [`deliveries/s, ${num(o.messages)} messages at full speed`, ...both((f) => num(f.throughput.perSecond)), '', ''],
    [`  each round (the best counts)`, ...both((f) => f.rounds.map((r) => num(r / 1000, 1)).join(' ') + ' k'), '', ''],
    ['  ratio to the baseline', report.ratio === undefined ? 'n/a' : num(report.ratio, 2), '', '≥ 0.8',
      verdict(report.ratio === undefined ? undefined : report.ratio >= 0.8)],
    ['  CPU: server / load / other processes', ...both((f) => cpu(f.throughput)), '', ''],
    ['  server CPU per delivery', ...both((f) => maybe(f.serverCpuMicrosPerDelivery, (v) => `${num(v, 1)} µs`)), '', ''],
    ['  baseline ÷ stage CPU per delivery', maybe(report.cpuRatio, (v) => num(v, 2)), '', '', ''],
    [`  latency p50 / p99 / max (${o.window} in flight)`, ...both((f) => latency(f.throughput)), '', ''],
    ['  every message to every listener, in order', ...both((f) => ordered(f.throughput)), 'yes',
      verdict(s.throughput.allDelivered && s.throughput.sameOrder)],
  ];
  if (s.paced) {
    const paced = s.paced;
    rows.push(
      [`latency at ${paced.rate} msg/s p50 / p99 / max`, ...both((f) => (f.paced ? latency(f.paced) : '')),
        'p99 ≤ 50 ms', verdict(paced.latency.p99 <= 50)],
      ['  every message to every listener, in order', ...both((f) => (f.paced ? ordered(f.paced) : '')), 'yes',
        verdict(paced.allDelivered && paced.sameOrder)],
      ['  CPU: server / load / other processes', ...both((f) => (f.paced ? cpu(f.paced) : '')), '', ''],
    );
  }
  return rows;
}

const growth = (st: StalledFigures) =>
  maybe(st.growthBytes, (v) => `${num(v / MB, 1)} MB`) +
  maybe(st.rssPeakBytes, (peak) => ` (peak ${num((peak - (st.rssBeforeBytes ?? 0)) / MB, 1)} MB)`);

function stalledRows({ stalled: st, control }: Report): Row[] {
  if (!st) return [];
  const cutOff = st.endings.filter((ending) => ending.code === 'RESOURCE_EXHAUSTED').length;
  const rows: Row[] = [
    [`${st.stalled} stalled + ${st.live} reading listeners, ${num(st.messages)} messages`, '', '', '', ''],
    ['  stalled streams cut off (RESOURCE_EXHAUSTED)', `${cutOff} of ${st.stalled}`, '', 'all', verdict(cutOff === st.stalled)],
    ['  "stopped reading" lines in the server log', String(st.cutOffLogged), '', '', ''],
    ['  server memory growth', growth(st), '', '< 50 MB',
      verdict(st.growthBytes === undefined ? undefined : st.growthBytes < 50 * MB)],
    ['  the others got everything, in order', ordered(st.others), '', 'yes', verdict(st.others.allDelivered && st.others.sameOrder)],
    ['  their deliveries/s; latency p50 / p99 / max', `${num(st.others.perSecond)}; ${latency(st.others)}`, '', '', ''],
  ];
  if (control) {
    rows.push(
      ['  the same without stalled listeners: growth', growth(control), '', '', ''],
      ['    deliveries/s; latency p50 / p99 / max', `${num(control.others.perSecond)}; ${latency(control.others)}`, '', '', ''],
    );
  }
  return rows;
}

export function table(report: Report): string {
  const { machine: m, options: o } = report;
  const header: Row = ['', o.stage, report.baseline ? 'baseline' : '', 'target', ''];
  const rows = [header, ...serverRows(report), ...stalledRows(report)];
  const widths = header.map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const lines = rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd());
  return [
    `Fan-out bench: ${o.stage}${report.baseline ? ' and a bare grpc-js baseline' : ''}`,
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}; Node ${m.node}, grpc-js ${m.grpcJs}; ` +
      `load average ${m.loadAverage} at start`,
    `Run: ${num(o.listeners)} listeners on ${num(o.channels)} channels; messages of ${o.size} bytes, ` +
      `${o.window} in flight at full speed` + (o.rate > 0 ? `; ${o.rate} msg/s for ${o['rate-seconds']} s` : ''),
    'Targets are set for 1000 listeners and 20 msg/s on 2 cores.',
    '',
    ...lines,
  ].join('\n');
}
