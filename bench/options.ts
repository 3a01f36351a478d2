// options.ts: the bench's flags, their defaults, and which stage to run.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { registry } from '../lib/stages';

export const ROOT = path.resolve(__dirname, '..');

// Every number the bench takes: its flag, default, smallest and largest value.
const NUMBERS = {
  listeners: [1000, 1, 100_000, 'Listen streams (N)'],
  channels: [50, 1, 10_000, 'connections they are spread over (K)'],
  messages: [200, 1, 1_000_000, 'messages sent as fast as they are delivered (M)'],
  rounds: [3, 1, 50, 'full-speed rounds per server, taking turns; the best one counts'],
  window: [50, 1, 900, 'messages in flight in that phase (below the servers\' 1000-message cap)'],
  rate: [20, 0, 10_000, 'messages per second in the paced phase (0 skips it)'],
  'rate-seconds': [5, 1, 600, 'length of the paced phase'],
  size: [100, 32, 4096, 'bytes of text per message'],
  stalled: [10, 0, 1000, 'listeners that never read, in a run of their own (0 skips it)'],
  'stalled-messages': [10_000, 1, 1_000_000, 'messages sent while they stall'],
  'stalled-live': [100, 1, 100_000, 'listeners that do read during that run'],
  starts: [5, 1, 50, 'server starts timed for the start-up figure'],
} as const;
type NumberFlag = keyof typeof NUMBERS;

export type Options = { [flag in NumberFlag]: number } & {
  stageDir: string;
  stage: string; // as shown: the folder relative to the repository
  baseline: boolean;
  json: boolean;
};

export const USAGE = 'Usage: npm run bench -- [--stage NAME] [--json] [--no-baseline] [--FLAG N ...]  (--help lists them)';
const HELP = [
  USAGE,
  `  --stage NAME            ${registry.stages.filter((stage) => stage.features.fanOut).map((stage) => stage.name).join(', ')} (default 03-status-code) or a stage folder`,
  '  --json                  print the figures as JSON instead of a table',
  '  --no-baseline           skip the bare grpc-js server the stage is compared with',
  ...Object.entries(NUMBERS).map(([flag, [fallback, , , what]]) => `  --${`${flag} N`.padEnd(22)}${what} (default ${fallback})`),
].join('\n');

// A stage of the registry by name ("03-status-code", "01-chat"), or any folder; it
// must have a server.ts and a chat.proto.
export function findStage(name: string): string | undefined {
  const stage = registry.find(name);
  const candidates = [...(stage ? [registry.dir(stage)] : []), path.resolve(name), path.join(ROOT, name)];
  return candidates.find((dir) => ['server.ts', 'chat.proto'].every((file) => fs.existsSync(path.join(dir, file))));
}

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

export function readOptions(args = process.argv.slice(2)): Options {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        ...Object.fromEntries(Object.keys(NUMBERS).map((flag) => [flag, { type: 'string' as const }])),
        stage: { type: 'string' },
        json: { type: 'boolean' },
        'no-baseline': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const numbers = {} as { [flag in NumberFlag]: number };
  for (const [flag, [fallback, min, max]] of Object.entries(NUMBERS) as Array<[NumberFlag, (typeof NUMBERS)[NumberFlag]]>) {
    const given = (values as Record<string, string | boolean | undefined>)[flag];
    const value = typeof given === 'string' ? (/^\d+$/.test(given) ? Number(given) : NaN) : fallback;
    if (!(value >= min && value <= max)) fail(`Invalid --${flag} ${String(given)}: a whole number from ${min} to ${max}`);
    numbers[flag] = value;
  }
  const name = typeof values.stage === 'string' ? values.stage : 'solutions/03-status-code';
  const stageDir = findStage(name) ?? fail(`No stage "${name}": it needs a folder with server.ts and chat.proto`);
  return {
    ...numbers,
    // More connections than listeners would only add idle connections.
    channels: Math.min(numbers.channels, numbers.listeners),
    stageDir,
    stage: path.relative(ROOT, stageDir) || stageDir,
    baseline: values['no-baseline'] !== true,
    json: values.json === true,
  };
}
