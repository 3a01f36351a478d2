// flood.ts: `npm run bench:flood`. One client posts as fast as it can while others
// read: what does the flooder get through, and do the readers still get every
// message it got through? Run twice on fresh servers: with the stage's limits as
// they ship (limits.ts), and with the posting limit lifted (CHAT_SEND_RATE=0), which
// is how the servers behaved before it. Readers: `--readers` Listen streams on
// connections of their own in this process, plus one real client.ts.
//   npm run bench:flood -- [--stage 01-chat] [--readers 20] [--messages 5000] [--window 50]
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import { Collector, RawClient, statusOf } from '../test/lib/grpc';
import { Proc } from '../lib/processes';
import { loadContract, SERVICE } from './contract';
import { findStage } from './options';

const USAGE = 'Usage: npm run bench:flood -- [--stage NAME] [--readers N] [--messages N] [--window N] [--json]';

function readArgs() {
  try {
    const { values } = parseArgs({
      options: {
        stage: { type: 'string', default: '01-chat' },
        readers: { type: 'string', default: '20' },
        messages: { type: 'string', default: '5000' },
        window: { type: 'string', default: '50' },
        json: { type: 'boolean', default: false },
      },
    });
    const dir = findStage(values.stage);
    const numbers = [values.readers, values.messages, values.window].map(Number);
    if (dir && numbers.every((n) => Number.isInteger(n) && n > 0)) {
      const [readers, messages, window] = numbers as [number, number, number];
      return { dir, stage: values.stage, readers, messages, window, json: values.json };
    }
  } catch {
    // an unknown flag: the usage line below
  }
  console.error(USAGE);
  process.exit(2);
}

const args = readArgs();
const contract = loadContract(args.dir);
const running = new Set<Proc>();
const progress = (text: string) => console.error(`bench:flood: ${text}`);

interface FloodFigures {
  limits: string;
  attempted: number;
  seconds: number;
  accepted: number;
  refused: number; // RESOURCE_EXHAUSTED: too fast
  otherErrors: number;
  readersWithEverything: number; // of args.readers: every accepted message, in order
  readersCutOff: number;
  clientPrintedEverything: boolean; // the real client.ts printed every accepted message
}

async function run(limits: string, env: NodeJS.ProcessEnv): Promise<FloodFigures> {
  progress(`${args.stage}, ${limits}: starting the server`);
  const server = new Proc(`server (${args.stage})`, args.dir, 'server.ts', ['--port', '0'], env);
  running.add(server);
  const line = await server.waitFor(/Server listening on \S+:\d+/, { ms: 60_000 });
  const address = `127.0.0.1:${/:(\d+)\s*$/.exec(line)?.[1]}`;
  const client = new Proc('client.ts', args.dir, 'client.ts', ['--host', address]);
  running.add(client);
  if (contract.needsUser) {
    await client.waitFor(/Pick a username/, { ms: 60_000 });
    client.send('reader');
  }
  await client.waitFor(/Type a message/, { ms: 60_000 });

  const clients: RawClient[] = [];
  const raw = () => {
    const c = new RawClient(contract.protoPath, SERVICE, address);
    clients.push(c);
    return c;
  };
  const readers = Array.from({ length: args.readers }, () => new Collector(raw().serverStream('Listen', {})));
  await Promise.all(readers.map((reader) => reader.started));
  const flooder = raw();
  const user = contract.needsUser ? { user: { username: 'flood' } } : {};
  if (contract.needsUser) {
    // A name lapses unless its client listens (02 on), so the flooder listens too.
    await flooder.unary('AddUser', { username: 'flood' });
    await new Collector(flooder.serverStream('Listen', {})).started;
  }

  progress(`${args.stage}, ${limits}: ${args.messages} messages, ${args.window} in flight`);
  const codes: grpc.status[] = [];
  const accepted: string[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < args.messages) {
      const msg = `flood ${next++}`;
      const { code } = await statusOf(flooder.unary('SendMessage', { msg, ...user }));
      codes.push(code);
      if (code === grpc.status.OK) accepted.push(msg);
    }
  };
  await Promise.all(Array.from({ length: args.window }, worker));
  const seconds = (performance.now() - started) / 1000;

  // Everything accepted is on its way: wait for it, or for the stream to end.
  const statuses = readers.map(() => undefined as grpc.status | undefined);
  readers.forEach((reader, i) => void reader.ended.then(({ code }) => (statuses[i] = code)));
  await Promise.all(readers.map((reader) =>
    Promise.race([reader.waitForCount(accepted.length, 60_000).catch(() => undefined), reader.ended])));
  const everything = (reader: Collector) =>
    reader.items.length === accepted.length && reader.items.every((item, i) => item.msg === accepted[i]);
  const last = accepted[accepted.length - 1];
  const clientDone = last === undefined ? Promise.resolve('') : client.waitFor(`${last}`, { ms: 60_000 });
  const clientPrintedEverything = await clientDone.then(
    () => client.count(/flood \d+/) === accepted.length,
    () => false,
  );
  const figures: FloodFigures = {
    limits,
    attempted: args.messages,
    seconds,
    accepted: accepted.length,
    refused: codes.filter((code) => code === grpc.status.RESOURCE_EXHAUSTED).length,
    otherErrors: codes.filter((code) => code !== grpc.status.OK && code !== grpc.status.RESOURCE_EXHAUSTED).length,
    readersWithEverything: readers.filter(everything).length,
    readersCutOff: statuses.filter((code) => code === grpc.status.RESOURCE_EXHAUSTED).length,
    clientPrintedEverything,
  };
  for (const c of clients) c.close();
  for (const proc of [client, server]) {
    await proc.stop();
    running.delete(proc);
  }
  return figures;
}

function show(results: FloodFigures[]): void {
  const rows: Array<[string, (f: FloodFigures) => string]> = [
    ['messages attempted, at full speed', (f) => `${f.attempted} in ${f.seconds.toFixed(1)} s (${Math.round(f.attempted / f.seconds)}/s)`],
    ['accepted / refused (RESOURCE_EXHAUSTED) / other', (f) => `${f.accepted} / ${f.refused} / ${f.otherErrors}`],
    [`readers that got every accepted message, in order`, (f) => `${f.readersWithEverything} of ${args.readers}`],
    ['readers cut off', (f) => String(f.readersCutOff)],
    ['client.ts printed every accepted message', (f) => (f.clientPrintedEverything ? 'yes' : 'no')],
  ];
  console.log(`Flood: ${args.stage}, ${args.readers} readers + one client.ts\n`);
  console.log(`${''.padEnd(52)}${results.map((f) => f.limits.padEnd(30)).join('')}`);
  for (const [label, cell] of rows) console.log(`${label.padEnd(52)}${results.map((f) => cell(f).padEnd(30)).join('')}`);
}

async function main(): Promise<void> {
  const results = [
    await run('limits as shipped', {}),
    await run('posting limit lifted', { CHAT_SEND_RATE: '0' }),
  ];
  if (args.json) console.log(JSON.stringify(results, null, 2));
  else show(results);
}

async function stopAll(): Promise<void> {
  await Promise.all([...running].map((proc) => proc.stop()));
}

process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
main().then(
  () => stopAll(),
  async (error: Error) => {
    console.error(`bench:flood failed: ${error.message}`);
    await stopAll();
    process.exit(1);
  },
);
