// client.ts: a lets-chat client.
// Start it with `npx ts-node client.ts -p <password> -n <name> [-h host:port]`.
import { once } from 'node:events';
import readline from 'node:readline';
import * as grpc from '@grpc/grpc-js';
import {
  clock, fromTimestamp, HOST_PORT, loadChatProto, MAX_MESSAGE_BYTES, readFlags, TOKEN_HEADER, usageError,
} from './common';
import type { StreamRequest } from './generated/chat/StreamRequest';
import type { StreamResponse__Output } from './generated/chat/StreamResponse';

const USAGE = 'Usage: npx ts-node client.ts -p password -n name [-h host:port]  (default localhost:6262)';
const flags = readFlags(
  { host: { type: 'string', short: 'h' }, password: { type: 'string', short: 'p' }, name: { type: 'string', short: 'n' } },
  USAGE,
);
const host = flags.host ?? 'localhost:6262';
if (!HOST_PORT.test(host)) usageError(`Invalid -h ${host}`, USAGE);
const password = flags.password ?? usageError('A password is required: -p <password>', USAGE);
const name = flags.name ?? usageError('A name is required: -n <name>', USAGE);
const proto = loadChatProto();

// The stub; under it, one channel (HTTP/2 connection) carries all our calls.
const client = new proto.chat.Chat(host, grpc.credentials.createInsecure());

const lines = readline.createInterface({ input: process.stdin, output: process.stdout, prompt: '' });
const typed = lines[Symbol.asyncIterator](); // created now, so no early line is lost
let token: string | undefined; // our session, once Login has answered
let sent: Promise<void> = Promise.resolve(); // settles when our last message has gone out
let quitting = false;
const HEADERS_WAIT_MS = 1000; // see openStream()

// Network text goes through this before it reaches the terminal: control characters
// (escape sequences, carriage returns, bidi overrides) are shown as text, so nobody
// can clear, recolour or fake lines on someone else's screen.
function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) =>
    c <= '\u00ff' ? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}` : `\\u${c.charCodeAt(0).toString(16)}`,
  );
}

// Print a line without breaking what the user is typing: on a terminal, clear the
// input line, print, then redraw the half-typed input below.
function show(text: string): void {
  if (lines.terminal) {
    readline.clearLine(process.stdout, 0);
    readline.cursorTo(process.stdout, 0);
  }
  console.log(text);
  if (lines.terminal) lines.prompt(true);
}

// Our own state changes, in the reference's format.
function say(text: string): void {
  show(`${clock()} <<Client>>: ${text}`);
}

function exit(code: number, text?: string): never {
  quitting = true;
  if (text) say(text);
  client.close();
  process.exit(code);
}

// One event from the server, stamped with the time the server gave it. With the
// `oneofs` loader option, `event.event` also names the field that is set.
function showEvent(event: StreamResponse__Output): void {
  const time = clock(event.timestamp ? fromTimestamp(event.timestamp) : new Date());
  const { client_login: login, client_logout: logout, client_message: message } = event;
  if (login) show(`${time} <<Server>>: ${printable(login.name)} has logged in`);
  else if (logout) show(`${time} <<Server>>: ${printable(logout.name)} has logged out`);
  else if (message) show(`${time} ${printable(message.name)}: ${printable(message.message)}`);
  else if (event.server_shutdown) {
    // The server is going away and our token with it: no Logout, just leave.
    show(`${time} <<Server>>: the server is shutting down`);
    exit(0);
  }
}

// Ctrl+C, Ctrl+D or the end of piped input.
function logOut(): void {
  if (quitting) return;
  quitting = true;
  if (token === undefined) exit(0); // not logged in yet: nothing to undo
  const request = { token };
  // Messages travel on the Stream call, Logout on a call of its own. gRPC keeps
  // order within one call, not across calls, so let our last message go out first.
  void sent.then(() => {
    say('logging out');
    client.Logout(request, { deadline: Date.now() + 5000 }, (error) =>
      exit(0, error ? `logout failed: ${error.details}` : 'logged out'),
    );
  });
}

// Send each typed line on the stream.
async function chat(stream: grpc.ClientDuplexStream<StreamRequest, StreamResponse__Output>): Promise<void> {
  for (let line = await typed.next(); !line.done && !quitting; line = await typed.next()) {
    const text = line.value;
    if (text.trim() === '') continue;
    if (Buffer.byteLength(text) > MAX_MESSAGE_BYTES) {
      say(`message not sent: it is longer than ${MAX_MESSAGE_BYTES} bytes`);
      continue;
    }
    sent = new Promise((resolve) => stream.write({ message: text }, () => resolve()));
    // write() returns false when the stream's buffer is full (backpressure): wait
    // until it drains instead of buffering a whole piped file in memory.
    if (stream.writableNeedDrain) await once(stream, 'drain');
  }
  logOut();
}

// Bidirectional streaming call. The token goes in the call's metadata, the
// headers sent when the call starts, under the name the server looks for.
function openStream(sessionToken: string): void {
  const metadata = new grpc.Metadata();
  metadata.set(TOKEN_HEADER, sessionToken);
  const stream = client.Stream(metadata);
  // We are in once the call is started. A grpc-js server sends its response headers
  // at once (it accepted the token); the Go lets-chat server sends them only with
  // the first event, which may be long in coming. So we wait for them, or
  // HEADERS_WAIT_MS at most, before we take input.
  let ready = false;
  const start = () => {
    if (ready || quitting) return;
    ready = true;
    say(`connected to ${host}; type a message and press Enter (Ctrl+C or Ctrl+D logs out)`);
    void chat(stream);
  };
  stream.once('metadata', start);
  setTimeout(start, HEADERS_WAIT_MS).unref();
  stream.on('data', showEvent);
  // The call ends with a status: an error for anything but OK. Without this
  // handler, grpc-js's 'error' event (e.g. UNAVAILABLE) would crash the process.
  stream.on('error', (error: grpc.ServiceError) => {
    if (!quitting) exit(1, `the stream from ${host} ended: ${error.details}`);
  });
  stream.on('end', () => {
    if (!quitting) exit(1, `the server at ${host} closed the stream`);
  });
}

lines.on('SIGINT', logOut); // Ctrl+C on a terminal
process.once('SIGINT', logOut);
process.once('SIGTERM', logOut);

// Unary call with a deadline: never wait for ever on a server that hangs.
client.Login({ password, name }, { deadline: Date.now() + 5000 }, (error, response) => {
  if (!response) {
    exit(1, error?.code === grpc.status.UNAVAILABLE
      ? `cannot reach the chat server at ${host}; is it running?`
      : `login failed: ${error?.details}`);
  }
  token = response.token;
  say(`logged in to ${host} as ${printable(name.trim())}`);
  openStream(response.token);
});
