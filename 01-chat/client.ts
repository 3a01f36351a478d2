// client.ts: a chat client. Start it with `npx ts-node client.ts [--host host:port]`.
import readline from 'node:readline';
import * as grpc from '@grpc/grpc-js';
import { loadChatProto, readFlag } from './common';
import type { Message__Output } from './generated/chat/Message';

const USAGE = 'Usage: npx ts-node client.ts [--host host:port]  (default localhost:50051)';
const host = readFlag('host', 'localhost:50051', USAGE, /^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+):\d{1,5}$/);
const proto = loadChatProto();

// The stub: one object whose methods call the server's RPCs. Underneath it is a
// channel, the HTTP/2 connection to `host` that grpc-js opens and keeps alive.
const client = new proto.chat.Chat(host, grpc.credentials.createInsecure());

let lines: readline.Interface | undefined; // stdin, line by line, once we read it
let quitting = false;

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
  client.close();
  process.exit(code);
}

// #region slides:send
// Unary call with a deadline: never wait for ever on a server that hangs.
function send(msg: string): Promise<void> {
  return new Promise((resolve) => {
    client.SendMessage({ msg }, { deadline: Date.now() + 5000 }, (error) => {
      if (error) show(`Message not sent: ${error.details}`);
      resolve();
    });
  });
}
// #endregion

async function chat(): Promise<void> {
  for await (const line of input()) {
    if (line.trim() !== '') await send(line);
  }
  exit(0); // end of input (Ctrl+D, or the end of a piped file)
}

// #region slides:listen
// Server-streaming call: one request, then a 'data' event for every message.
function listen(): void {
  const stream = client.Listen({});
  stream.on('metadata', () => {
    show(`Connected to the chat server at ${host}. Type a message and press Enter (Ctrl+D quits).`);
    void chat();
  });
  stream.on('data', (message: Message__Output) => show(`>>> ${message.msg}`));
  // The stream ends with a status: an error for anything but OK. Without this
  // handler, grpc-js's 'error' event (e.g. UNAVAILABLE) would crash the process.
  stream.on('error', (error: grpc.ServiceError) => {
    if (!quitting) exit(1, `Lost the chat server at ${host}: ${error.details}`);
  });
  stream.on('end', () => {
    if (!quitting) exit(1, `The chat server at ${host} closed the stream.`);
  });
}
// #endregion

process.once('SIGINT', () => exit(0));
process.once('SIGTERM', () => exit(0));

// Wait until the channel is connected, for 5 seconds at most.
client.waitForReady(Date.now() + 5000, (error) => {
  if (error) exit(1, `Cannot reach the chat server at ${host} — is it running?`);
  else listen();
});
