// client.ts: a chat client. Start it with `npx ts-node client.ts [--host host:port]`.
import readline from 'node:readline';
import * as grpc from '@grpc/grpc-js';
import prompts from 'prompts';
import { loadChatProto, readFlag } from './common';
import type { Message__Output } from './generated/chat/Message';
import { _chat_MessageResponse_Code as Code, type MessageResponse__Output } from './generated/chat/MessageResponse';

const USAGE = 'Usage: npx ts-node client.ts [--host host:port]  (default localhost:50051)';
const host = readFlag('host', 'localhost:50051', USAGE, /^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+):\d{1,5}$/);
const proto = loadChatProto();

// The stub: one object whose methods call the server's RPCs. Underneath it is a
// channel, the HTTP/2 connection to `host` that grpc-js opens and keeps alive.
const client = new proto.chat.Chat(host, grpc.credentials.createInsecure());

let lines: readline.Interface | undefined; // stdin, line by line, once we read it
let quitting = false;
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
  client.close();
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
    client.AddUser({ username: name }, { deadline: Date.now() + 5000 }, (error, response) =>
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
// Unary call with a deadline: never wait for ever on a server that hangs.
function send(msg: string): Promise<void> {
  return new Promise((resolve) => {
    client.SendMessage({ msg, user: { username } }, { deadline: Date.now() + 5000 }, (error) => {
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
// Server-streaming call: one request, then a 'data' event for every message.
function listen(): void {
  const stream = client.Listen({});
  stream.on('metadata', () => {
    show(`Connected to the chat server at ${host}. Type a message and press Enter (Ctrl+D quits).`);
    void chat();
  });
  stream.on('data', (message: Message__Output) => show(format(message)));
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
  else void join().then(listen);
});
