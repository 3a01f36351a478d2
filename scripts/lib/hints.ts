// One-line hints for `npm run check`: what a failed check expected and what
// happened instead, boiled down from tap's details or from a process's output.
import { status } from '@grpc/grpc-js';
import type { Result } from './results';

const MAX_HINT = 200; // characters

// tap's default assertion names say nothing the hint does not say better.
const GENERIC = new Set([
  'should be equal',
  'should not be equal',
  'should be equivalent',
  'should not be equivalent',
  'should match pattern',
  'should not match pattern',
  'expect truthy value',
  'expect falsey value',
  'unhandled error',
]);

// A stack frame: "at Object.<anonymous> (/x/client.ts:3:1)", "at /x/y.js:1:2",
// "at new Promise (<anonymous>)".
const FRAME = /\s*\bat (?:(?:new |async )?[^\s()]+(?: \[as [^\]]+\])? \((?:[^()\s]*:\d+:\d+|<anonymous>|native)\)|[^()\s]*:\d+:\d+)/g;
// The message line of an error: "TypeError: x is not a function", "TSError: ⨯ …".
const ERROR_LINE = /(?:^|\s)((?:[A-Z]\w*)?(?:Error|Exception)(?: \[[\w.-]+\])?: .*)$/;

// The first failed assertion of a check (depth-first), or the check itself.
export function firstFailure(result: Result): Result {
  for (const child of result.children) {
    if (!child.ok && !child.skip) return firstFailure(child);
  }
  return result;
}

// A YAML value of tap's details as one line of text.
function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

export function hintFor(check: Result, timeoutMs: number): string {
  const failure = firstFailure(check);
  const diag = Object.fromEntries(Object.entries(failure.diag).map(([key, value]) => [key, text(value)]));
  const context = `${check.name} ${failure.name}`;
  const label = GENERIC.has(failure.name) || failure === check ? '' : `${failure.name}: `;
  if (diag.expired !== undefined) {
    return `no result after ${Math.round(timeoutMs / 1000)} s: something is still waiting (a process that never exits or never answers?)`;
  }
  if (diag.diff) {
    const { expected, actual } = fromDiff(diag.diff);
    if (expected !== undefined || actual !== undefined) {
      return shorten(label + expectedGot(expected ?? '(nothing)', actual ?? '(nothing)', context, failure.name));
    }
  }
  if (diag.found !== undefined && diag.wanted !== undefined) {
    return shorten(label + expectedGot(diag.wanted, diag.found, context, failure.name));
  }
  if (diag.code !== undefined && diag.details !== undefined) {
    return shorten(`the call failed with ${statusName(diag.code)}: ${withoutGrpcNotes(diag.details)}`);
  }
  if (failure.name === 'test unfinished' || failure.name.startsWith('child test left in queue')) {
    return 'did not finish: the check ended before its processes did';
  }
  return shorten(condenseError(failure.name));
}

function expectedGot(expected: string, actual: string, context: string, name: string): string {
  const code = statusIn(expected, context);
  const want = code === undefined ? expected : `${expected} (${code})`;
  const got = code === undefined ? actual : `${actual} (${statusName(actual)})`;
  if (name === 'should match pattern') return `expected to match ${want}, got ${got}`;
  if (name === 'should not match pattern') return `expected no match for ${want}, got ${got}`;
  return `expected ${want}, got ${got}`;
}

// The first removed (expected) and added (actual) lines of tap's unified diff.
export function fromDiff(diff: string): { expected?: string; actual?: string } {
  const lines = diff.split('\n').filter((line) => !/^(---|\+\+\+|@@)/.test(line));
  const pick = (sign: string) => {
    const line = lines.find((l) => l.startsWith(sign));
    return line === undefined ? undefined : line.slice(1).trim().replace(/,$/, '');
  };
  return { expected: pick('-'), actual: pick('+') };
}

// Status codes are numbers in the suites' assertions; name them when the check is
// about that status ("…fails with FAILED_PRECONDITION": 9 → FAILED_PRECONDITION).
function statusIn(value: string, context: string): string | undefined {
  if (!/^\d+$/.test(value)) return undefined;
  const name = status[Number(value)];
  return name !== undefined && new RegExp(`\\b${name}\\b`).test(context) ? name : undefined;
}

// grpc-js appends its resolver's internals to some details ("… Resolution note: …").
export function withoutGrpcNotes(details: string): string {
  return details.replace(/[\s:(]*Resolution note:[\s\S]*$/, '');
}

function statusName(code: string): string {
  return status[Number(code)] ?? `status ${code}`;
}

// "client: exited waiting for /x/; output so far: <everything it printed>" →
// the wait that failed, and the line of the output that explains it.
export function condenseError(message: string): string {
  const split = /^(.*?);\s*output so far:\s*([\s\S]*)$/.exec(message);
  if (!split) return withoutFrames(message);
  const printed = relevantOutput(split[2]);
  const wait = /^(.*): (timed out|exited) waiting for (.*)$/.exec(split[1]);
  const pattern = wait && (/^\/.*\/[a-z]*$/.test(wait[3]) ? wait[3] : `"${wait[3]}"`);
  const what = !wait
    ? split[1]
    : wait[2] === 'exited'
      ? `${wait[1]} exited before printing ${pattern}`
      : `${wait[1]} did not print ${pattern}`;
  return `${what}; ${printed ? `its output: ${printed}` : 'it printed nothing'}`;
}

// The part of a process's output that matters most: the error message if it
// crashed (without its stack), else its last lines.
export function relevantOutput(output: string): string {
  const lines = output
    .split('\n')
    .map((line) => withoutFrames(line))
    .filter((line) => line);
  // ts-node's compile errors: "server.ts(3,1): error TS1005: ';' expected."
  for (const line of lines) {
    const tsError = /\S+\(\d+,\d+\): error TS\d+: .*/.exec(line);
    if (tsError) return tsError[0];
  }
  for (let i = lines.length - 1; i >= 0; i--) {
    const error = ERROR_LINE.exec(lines[i]);
    if (error) return error[1].trim();
  }
  const last = lines.join(' ');
  return last.length > 120 ? `…${last.slice(-120)}` : last;
}

// Without stack frames, and without the "Node.js v20.1.0" line node prints after
// an uncaught error.
function withoutFrames(text: string): string {
  return text.replace(FRAME, '').replace(/\bNode\.js v\d+(\.\d+)*/g, '').replace(/\s+/g, ' ').trim();
}

export function shorten(text: string, max = MAX_HINT): string {
  const flat = withoutFrames(text);
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
