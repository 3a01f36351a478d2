// load.ts: the bench's clients, in a process of their own so that their work is not
// counted as the server's. It opens Listen streams, sends messages, and measures
// when each message reaches each listener. run.ts starts it and drives it:
//   npx ts-node bench/load.ts --address 127.0.0.1:PORT --stage-dir <folder>
// Commands arrive on stdin, one JSON object per line; each gets one answer line on
// stdout, `RESULT {...}` or `FAILED <reason>`.
import { performance } from 'node:perf_hooks';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import { loadContract } from './contract';
import { LatencyHistogram, type LatencySummary } from './latency';

export type Command =
  | { op: 'connect'; listeners: number; channels: number; stalled: number; timeoutMs: number }
  // window: messages in flight (sent, not yet at every listener); rate: messages per second instead
  | { op: 'send'; messages: number; size: number; window: number; rate: number; timeoutMs: number }
  | { op: 'release'; timeoutMs: number } // let the stalled listeners read again
  | { op: 'quit' };

export interface ConnectResult {
  listeners: number;
  stalled: number;
  seconds: number;
}

export interface SendResult {
  deliveries: number;
  seconds: number; // first send to the last delivery
  perSecond: number;
  latency: LatencySummary; // ms from just before SendMessage to the listener's 'data' event
  allDelivered: boolean; // every listener got every message exactly once
  sameOrder: boolean; // and all in the same order
  sendOrder: boolean; // which is the order they were sent in
  loadCpuSeconds: number; // this process's CPU time during the phase
}

export interface ReleaseResult {
  // How each stalled stream ended once it read again, and how much it had been sent.
  stalled: Array<{ code: string; details: string; received: number }>;
}

const USERNAME = 'bench';
const USAGE = 'Usage: npx ts-node bench/load.ts --address host:port --stage-dir <folder>';

function options(): { address: string; stageDir: string } {
  try {
    const { values } = parseArgs({ options: { address: { type: 'string' }, 'stage-dir': { type: 'string' } } });
    if (values.address && values['stage-dir']) return { address: values.address, stageDir: values['stage-dir'] };
  } catch {
    // an unknown flag: fall through to the usage line
  }
  console.error(USAGE);
  process.exit(2);
}

const { address, stageDir } = options();
const contract = loadContract(stageDir);
const { Listen, SendMessage, AddUser } = contract.service;

type Fields = Record<string, unknown>; // a message, as proto-loader decodes it

class Listener {
  count = 0; // messages of the current phase
  order = 0; // a hash of the order they came in
  status?: grpc.StatusObject; // how the stream ended, once it has

  constructor(readonly stream: grpc.ClientReadableStream<Fields>, isLive: boolean) {
    stream.on('status', (status: grpc.StatusObject) => {
      this.status = status;
      if (isLive) phase?.fail(`a listener's stream ended: ${grpc.status[status.code]} ${status.details}`);
    });
  }
}

// One batch of messages, from the first send until every listener has them all.
interface Phase {
  first: number; // sequence number of its first message
  total: number;
  reached: Int32Array; // per message: how many listeners have it
  complete: number; // messages that reached every listener
  latency: LatencyHistogram;
  progress(): void; // called whenever a message completes
  fail(reason: string): void;
}

const clients: grpc.Client[] = [];
const live: Listener[] = [];
const stalled: Listener[] = [];
let sender: grpc.Client | undefined;
let phase: Phase | undefined;
let nextSeq = 0;

// --address may list several servers, replicas of one chat (bench/replicas.ts): the
// channels take turns, the first one (the sender's) on the first server.
const addresses = address.split(',');

// A channel: its own connection, not one shared with the process's other channels.
function channel(): grpc.Client {
  const client = new grpc.Client(addresses[clients.length % addresses.length], grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 });
  clients.push(client);
  return client;
}

function listen(client: grpc.Client): grpc.ClientReadableStream<Fields> {
  const stream = client.makeServerStreamRequest(Listen.path, Listen.requestSerialize, Listen.responseDeserialize, {});
  stream.on('error', () => {}); // the 'status' event says how it ended; an error must not crash us
  return stream as grpc.ClientReadableStream<Fields>;
}

// A unary call with a deadline; rejects with the call's status.
function unary(method: typeof SendMessage, request: Fields): Promise<void> {
  return new Promise((resolve, reject) => {
    sender?.makeUnaryRequest(method.path, method.requestSerialize, method.responseDeserialize, request,
      { deadline: Date.now() + 10_000 }, (error) => (error ? reject(error) : resolve()));
  });
}

// A message's text starts with its sequence number and the time it was sent:
// "17@1234.567 xxxx…". Sender and listeners share this process's clock.
function received(listener: Listener, item: Fields): void {
  const text = item.msg;
  if (phase === undefined || typeof text !== 'string') return;
  const at = text.indexOf('@');
  const index = Number(text.slice(0, at)) - phase.first;
  if (!(index >= 0 && index < phase.total)) return; // not from this phase
  phase.latency.record(performance.now() - Number(text.slice(at + 1, text.indexOf(' ', at))));
  listener.count++;
  listener.order = (Math.imul(listener.order, 31) + index) | 0;
  if (++phase.reached[index] === live.length) {
    phase.complete++;
    phase.progress();
  }
}

function waitStarted(streams: Listener[], timeoutMs: number): Promise<void> {
  return within(timeoutMs, 'opening Listen streams', (done, fail) => {
    let waiting = streams.length;
    if (waiting === 0) done();
    for (const listener of streams) {
      listener.stream.once('metadata', () => --waiting === 0 && done());
      listener.stream.once('status', (status: grpc.StatusObject) =>
        fail(`Listen failed: ${grpc.status[status.code]} ${status.details}`));
    }
  });
}

// A promise for `body`, rejected with a clear reason if it takes longer than `ms`.
function within(ms: number, what: string, body: (done: () => void, fail: (reason: string) => void) => void) {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms ${what}`)), ms);
    body(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (reason) => {
        clearTimeout(timer);
        reject(new Error(reason));
      },
    );
  });
}

async function connect(command: Extract<Command, { op: 'connect' }>): Promise<ConnectResult> {
  const started = performance.now();
  sender = channel();
  // Stages with users take messages only from a client that added one; from 02 on,
  // the user is tied to the connection, so it is added on the sender's channel.
  if (AddUser) await unary(AddUser, { username: USERNAME });
  const channels = Array.from({ length: command.channels }, channel);
  for (let i = 0; i < command.listeners; i++) {
    const listener = new Listener(listen(channels[i % channels.length]), true);
    listener.stream.on('data', (item: Fields) => received(listener, item));
    live.push(listener);
  }
  // A stalled listener never reads: pause() stops grpc-js asking for messages, so
  // HTTP/2 flow control soon stops the server sending. Each has its own channel, as
  // a stalled program would, so it cannot hold up the connection's other streams.
  for (let i = 0; i < command.stalled; i++) {
    const listener = new Listener(listen(channel()), false);
    listener.stream.on('data', () => listener.count++);
    listener.stream.pause();
    stalled.push(listener);
  }
  await waitStarted([...live, ...stalled], command.timeoutMs);
  return { listeners: live.length, stalled: stalled.length, seconds: (performance.now() - started) / 1000 };
}

function text(seq: number, size: number): string {
  const head = `${seq}@${performance.now().toFixed(3)} `;
  return head + 'x'.repeat(Math.max(1, size - head.length));
}

function send(command: Extract<Command, { op: 'send' }>): Promise<SendResult> {
  const { messages: total, size, window, rate, timeoutMs } = command;
  const cpu = process.cpuUsage();
  const me: Phase = {
    first: nextSeq,
    total,
    reached: new Int32Array(total),
    complete: 0,
    latency: new LatencyHistogram(),
    progress: () => {},
    fail: () => {},
  };
  nextSeq += total;
  for (const listener of live) {
    listener.count = 0;
    listener.order = 0;
  }
  let sent = 0;
  let started = 0;
  const sendOne = () => {
    const msg = text(me.first + sent++, size);
    const request = AddUser ? { msg, user: { username: USERNAME } } : { msg };
    unary(SendMessage, request).catch((error: grpc.ServiceError) =>
      me.fail(`SendMessage failed: ${grpc.status[error.code]} ${error.details}`));
  };
  return within(timeoutMs, `waiting for ${total} messages to reach ${live.length} listeners`, (done, fail) => {
    phase = me;
    me.fail = fail;
    me.progress = () => {
      if (me.complete === total) done();
      // Closed loop: keep `window` messages in flight, so no queue can grow past it.
      else if (rate === 0) while (sent < total && sent - me.complete < window) sendOne();
    };
    started = performance.now();
    if (rate === 0) {
      me.progress();
    } else {
      // Open loop: message i goes out at started + i / rate, however the server fares.
      const tick = () => {
        const due = Math.min(total, Math.floor(((performance.now() - started) * rate) / 1000) + 1);
        while (sent < due) sendOne();
        if (sent < total) setTimeout(tick, Math.max(0, started + (sent * 1000) / rate - performance.now()));
      };
      tick();
    }
  }).then(() => {
    const seconds = (performance.now() - started) / 1000;
    phase = undefined;
    const used = process.cpuUsage(cpu);
    let inSendOrder = 0;
    for (let index = 0; index < total; index++) inSendOrder = (Math.imul(inSendOrder, 31) + index) | 0;
    const first = live[0];
    return {
      deliveries: total * live.length,
      seconds,
      perSecond: (total * live.length) / seconds,
      latency: me.latency.summary(),
      allDelivered: live.every((listener) => listener.count === total),
      sameOrder: live.every((listener) => listener.order === first.order),
      sendOrder: first.order === inSendOrder,
      loadCpuSeconds: (used.user + used.system) / 1e6,
    };
  }, (error: Error) => {
    phase = undefined;
    throw error;
  });
}

// Resume the stalled listeners and give their streams up to timeoutMs to end. One
// that is still open after that was never cut off: the report shows it as 'open'.
async function release(command: Extract<Command, { op: 'release' }>): Promise<ReleaseResult> {
  let timer: NodeJS.Timeout | undefined;
  const ended = stalled.map(
    (listener) =>
      new Promise<void>((resolve) => {
        if (listener.status) resolve();
        else listener.stream.once('status', () => resolve());
        listener.stream.resume();
      }),
  );
  await Promise.race([Promise.all(ended), new Promise((resolve) => (timer = setTimeout(resolve, command.timeoutMs)))]);
  clearTimeout(timer);
  return {
    stalled: stalled.map(({ status, count }) => ({
      code: status ? grpc.status[status.code] : 'open',
      details: status?.details ?? '',
      received: count,
    })),
  };
}

function quit(): never {
  for (const client of clients) client.close();
  process.exit(0);
}

async function run(command: Command): Promise<unknown> {
  switch (command.op) {
    case 'connect':
      return connect(command);
    case 'send':
      return send(command);
    case 'release':
      return release(command);
    case 'quit':
      return quit();
  }
}

// One command at a time, in the order they came. run.ts is the only writer, so
// the lines are trusted to be well-formed commands.
let queue = Promise.resolve();
const commands = readline.createInterface({ input: process.stdin });
commands.on('line', (line) => {
  queue = queue
    .then(() => run(JSON.parse(line) as Command))
    .then((result) => console.log(`RESULT ${JSON.stringify(result)}`))
    .catch((error: Error) => {
      console.log(`FAILED ${error.message}`);
      quit();
    });
});
// run.ts went away (it closed our stdin, or died): stop too.
commands.on('close', () => void queue.then(quit));
console.log('READY');
