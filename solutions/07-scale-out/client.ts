// client.ts: a chat client. Start it with `npx ts-node client.ts [--host host:port[,host:port...]]`.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import readline from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import * as grpc from '@grpc/grpc-js';
import prompts from 'prompts';
import { loadChatProto, readFlags } from './common';
import type { Message__Output } from './generated/chat/Message';
import { _chat_MessageResponse_Code as Code, type MessageResponse__Output } from './generated/chat/MessageResponse';
import { channelTarget } from './target';

const USAGE =
  'Usage: npx ts-node client.ts [--host host:port[,host:port...]]  (default localhost:50051)\n' +
  '  several servers (replicas of one chat), or a DNS name with several addresses: calls are spread over them';
const ADDRESS = /(\[[0-9a-fA-F:.]+\]|[^\s:[\],]+):\d{1,5}/;
const { host } = readFlags({ host: { fallback: 'localhost:50051', valid: new RegExp(`^${ADDRESS.source}(,${ADDRESS.source})*$`) } }, USAGE);
const addresses = (host as string).split(',');
const proto = loadChatProto();
const FAILOVER_MS = 30_000; // how long we look for another server before giving up
const HEADERS_WAIT_MS = 1000; // see listen()

// How the channel behaves, in gRPC's standard service config:
// - round_robin: connect to every address, and send each call to the next ready one
//   (the default, pick_first, would put everything on one server).
// - retryPolicy: a call that fails with UNAVAILABLE (its server went away, or lost
//   Redis) is tried again, on another server, with a short back-off.
const SERVICE_CONFIG = {
  loadBalancingConfig: [{ round_robin: {} }],
  methodConfig: [
    {
      name: [{ service: 'chat.Chat', method: 'SendMessage' }, { service: 'chat.Chat', method: 'AddUser' }],
      retryPolicy: {
        maxAttempts: 5,
        initialBackoff: '0.2s',
        maxBackoff: '2s',
        backoffMultiplier: 2,
        retryableStatusCodes: ['UNAVAILABLE'],
      },
    },
  ],
};

let client!: InstanceType<typeof proto.chat.Chat>;
// Who we are, on whichever server a call lands: a secret we send with every call.
const session = randomBytes(16).toString('hex');
const withSession = () => {
  const metadata = new grpc.Metadata();
  metadata.set('chat-session', session);
  return metadata;
};

let lines: readline.Interface | undefined; // stdin, line by line, once we read it
let quitting = false;
let chatting = false;
let username = '';

function input(): readline.Interface {
  if (!lines) {
    lines = readline.createInterface({ input: process.stdin, output: process.stdout, prompt: '' });
    lines.on('SIGINT', () => exit(0)); // Ctrl+C on a terminal
  }
  return lines;
}

// Control characters (escape sequences, carriage returns, bidi overrides) shown as
// text. Messages, names and error details come from the network: printed raw, they
// could clear, recolour or fake lines on someone else's screen.
function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) =>
    c <= '\u00ff' ? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}` : `\\u${c.charCodeAt(0).toString(16)}`,
  );
}

// Print a line, made printable, without breaking what the user is typing: on a
// terminal, clear the input line, print, then redraw the half-typed input below.
function show(text: string): void {
  if (lines?.terminal) {
    readline.clearLine(process.stdout, 0);
    readline.cursorTo(process.stdout, 0);
  }
  console.log(printable(text));
  if (lines?.terminal) lines.prompt(true);
}

function exit(code: number, text?: string): never {
  quitting = true;
  if (text) show(text);
  client?.close();
  process.exit(code);
}

// Ask a question: with prompts on a terminal; from the next line of stdin when
// input is piped (prompts would read the whole pipe and lose the lines after).
async function ask(question: string): Promise<string | undefined> {
  if (process.stdin.isTTY) {
    const { answer }: { answer?: string } = await prompts({ type: 'text', name: 'answer', message: question });
    return answer; // undefined after Ctrl+C
  }
  show(question);
  const line = await input()[Symbol.asyncIterator]().next();
  return line.done ? undefined : line.value;
}

function addUser(name: string): Promise<MessageResponse__Output> {
  return new Promise((resolve, reject) => {
    client.AddUser({ username: name }, withSession(), { deadline: Date.now() + 5000 }, (error, response) =>
      error || !response ? reject(error) : resolve(response),
    );
  });
}

// #region slides:join
// Ask for a username until the server accepts one.
async function join(): Promise<void> {
  for (;;) {
    const name = await ask('Pick a username:');
    if (name === undefined) exit(0); // Ctrl+C or end of input
    try {
      const response = await addUser(name);
      // Decide by the code, not by the wording of msg.
      if (response.code === Code.ADDED) {
        username = name.trim();
        return;
      }
      show(response.msg); // the name is taken
    } catch (error) {
      // A gRPC error carries a status code and details. INVALID_ARGUMENT means
      // the server refused this name; anything else means we cannot go on.
      const { code, details } = error as grpc.ServiceError;
      if (code !== grpc.status.INVALID_ARGUMENT) exit(1, `Cannot add the user: ${details}`);
      show(`That username is not allowed: ${details}`);
    }
  }
}

// #endregion

// #region slides:send
// Unary call with a deadline: never wait for ever on a server that hangs. The id
// lets the servers recognise a retry of the same message, so it is posted once.
function send(msg: string): Promise<void> {
  const metadata = withSession();
  metadata.set('chat-message-id', randomBytes(12).toString('hex'));
  return new Promise((resolve) => {
    client.SendMessage({ msg, user: { username } }, metadata, { deadline: Date.now() + 10_000 }, (error) => {
      if (error) show(`Message not sent: ${error.details}`);
      resolve();
    });
  });
}
// #endregion

async function chat(): Promise<void> {
  chatting = true;
  for await (const line of input()) {
    if (line.trim() !== '') await send(line);
  }
  exit(0); // end of input (Ctrl+D, or the end of a piped file)
}

// "alice: hi", or "alice (direct): hi" when the first word is "@<our name>": the
// server sent that message to us alone.
function format(message: Message__Output): string {
  const sender = message.user?.username ?? '?';
  const [firstWord] = message.msg.split(/\s/, 1);
  return firstWord === `@${username}`
    ? `${sender} (direct): ${message.msg.slice(firstWord.length).trimStart()}`
    : `${sender}: ${message.msg}`;
}

// #region slides:listen
// Server-streaming call: one request, then a 'data' event for every message. The
// stream stays on the one server it started on; `lost` says why the previous one ended.
function listen(lost?: string): void {
  const stream = client.Listen({}, withSession());
  let over = false;
  // We are subscribed once the server has the call: at its response headers, or
  // HEADERS_WAIT_MS after the call started from servers that send them late (as 03).
  // After a failover only the headers count: a stream that reached a replica which
  // is itself going away must not be announced before it fails too.
  const subscribed = once(stream, 'metadata');
  void (lost ? subscribed : Promise.race([subscribed, sleep(HEADERS_WAIT_MS)])).then(() => {
    if (over) return;
    if (lost) show(`Reconnected to the chat through ${stream.getPeer()} as ${username} (${lost}).`);
    else show(`Connected to the chat server at ${host} (through ${stream.getPeer()}). Type a message and press Enter (Ctrl+D quits).`);
    if (!chatting) void chat();
  }, () => {});
  stream.on('data', (message: Message__Output) => show(format(message)));
  // The stream ends with a status: an error for anything but OK. Without this
  // handler, grpc-js's 'error' event (e.g. UNAVAILABLE) would crash the process.
  const ended = (why: string, failover: boolean) => {
    if (over || quitting) return;
    over = true;
    if (failover) void failOver(`${stream.getPeer()} went away: ${why}`);
    else exit(1, `Lost the chat server at ${host}: ${why}`);
  };
  // UNAVAILABLE: the server stopped or died, or lost Redis. Another may take over.
  stream.on('error', (error: grpc.ServiceError) => ended(error.details, error.code === grpc.status.UNAVAILABLE));
  stream.on('end', () => ended('it closed the stream', true));
}
// #endregion

// Our server is gone: take our name back through another one, and listen there.
async function failOver(why: string): Promise<void> {
  const deadline = Date.now() + FAILOVER_MS;
  while (Date.now() < deadline) {
    const ready = await new Promise<boolean>((resolve) => client.waitForReady(Date.now() + 2000, (error) => resolve(!error)));
    if (!ready) continue;
    try {
      const response = await addUser(username);
      if (response.code !== Code.ADDED) exit(1, `Lost the chat server, and someone else took the name ${username} meanwhile.`);
      return listen(why);
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 500)); // no server can serve yet
    }
  }
  exit(1, `Lost the chat server at ${host} (${why}), and no other answers.`);
}

process.once('SIGINT', () => exit(0));
process.once('SIGTERM', () => exit(0));

void channelTarget(addresses).then(
  (target) => {
    client = new proto.chat.Chat(target, grpc.credentials.createInsecure(), {
      'grpc.service_config': JSON.stringify(SERVICE_CONFIG),
    });
    // Wait until the channel is connected, for 5 seconds at most.
    client.waitForReady(Date.now() + 5000, (error) => {
      if (error) exit(1, `Cannot reach the chat server at ${host} — is it running?`);
      else void join().then(() => listen());
    });
  },
  (error: Error) => exit(1, `Cannot find the chat server at ${host}: ${error.message}`),
);
