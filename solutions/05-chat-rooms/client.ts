// client.ts: the chat-room client. `npx ts-node client.ts --create` makes a room;
// `npx ts-node client.ts` lists the rooms, asks which one and under which name,
// then chats there.
import { once } from 'node:events';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import prompts from 'prompts';
import { channelCredentials, fail, HOST_PATTERN, parseFlags, printable, usageError } from './cli';
import { loadChatProto } from './common';
import type { ChatRoom__Output } from './generated/rpc/ChatRoom';
import type { ListChatRoomsResponse__Output } from './generated/rpc/ListChatRoomsResponse';
import type { Message__Output } from './generated/rpc/Message';

const USAGE =
  'Usage: npx ts-node client.ts [--host host:port] [--create [--private]] [--tls [--ca FILE]]' +
  '  (default localhost:8080, plaintext; --insecure is accepted and changes nothing)';
const DEADLINE_MS = 5000;
const HEADERS_WAIT_MS = 1000; // see chat()

const flags = parseFlags(
  () =>
    parseArgs({
      options: {
        host: { type: 'string', default: 'localhost:8080' },
        create: { type: 'boolean', default: false },
        private: { type: 'boolean', default: false },
        tls: { type: 'boolean', default: false },
        ca: { type: 'string' },
        insecure: { type: 'boolean' }, // the Chatter client's flag; plaintext is our default anyway
        help: { type: 'boolean', short: 'h' },
      },
    }),
  USAGE,
);
const host = flags.host;
if (!HOST_PATTERN.test(host)) usageError(`Invalid --host ${host}`, USAGE);
if (flags.private && !flags.create) usageError('--private goes with --create', USAGE);

const { proto } = loadChatProto();
const client = new proto.rpc.ChatService(host, channelCredentials(flags.tls, flags.ca));
const interactive = process.stdin.isTTY === true;

// What the user types, line by line. On a terminal the `prompts` package asks the
// questions, and this reader starts only afterwards (two readers on one terminal
// would both get every key). From a pipe we read the answers as the next lines.
let lines: readline.Interface | undefined;
let typed: AsyncIterator<string> | undefined;
function input(): AsyncIterator<string> {
  if (!lines || !typed) {
    lines = readline.createInterface({ input: process.stdin, output: process.stdout, prompt: '' });
    typed = lines[Symbol.asyncIterator](); // created with the reader, so no line is lost
    lines.on('SIGINT', () => exit(0)); // Ctrl+C on a terminal
  }
  return typed;
}

// Print a line without breaking what the user is typing: on a terminal, clear the
// input line, print, then redraw the half-typed input below.
function show(text: string): void {
  if (lines?.terminal) {
    readline.clearLine(process.stdout, 0);
    readline.cursorTo(process.stdout, 0);
  }
  console.log(text);
  if (lines?.terminal) lines.prompt(true);
}

function exit(code: number, text?: string): never {
  if (text) show(text);
  client.close();
  process.exit(code);
}

// Ask a question until `check` accepts the answer (it returns the value to use,
// or a string saying what is wrong). Ctrl+C, or the end of the input, quits.
async function ask<T>(question: string, check: (answer: string) => { value: T } | string): Promise<T> {
  for (;;) {
    let answer: string;
    if (interactive) {
      const reply = await prompts(
        {
          type: 'text',
          name: 'answer',
          message: question,
          // prompts shows the string it gets back, and asks again.
          validate: (text: string) => {
            const result = check(text.trim());
            return typeof result === 'string' ? result : true;
          },
        },
        { onCancel: () => exit(0) },
      );
      answer = String(reply.answer ?? '');
    } else {
      const line = await input().next();
      if (line.done) exit(0);
      answer = line.value;
      console.log(`${question}: ${answer}`); // so a transcript of a piped session reads well
    }
    const result = check(answer.trim());
    if (typeof result !== 'string') return result.value;
    show(result);
  }
}

// A unary call as a promise, with a deadline: never wait for ever on a server
// that hangs. A failure ends the program with one clear line.
function unary<T>(what: string, start: (options: grpc.CallOptions, done: grpc.requestCallback<T>) => void): Promise<T> {
  return new Promise((resolve) => {
    start({ deadline: Date.now() + DEADLINE_MS }, (error, response) => {
      if (error) {
        if (error.code === grpc.status.UNAVAILABLE || error.code === grpc.status.DEADLINE_EXCEEDED) {
          const hint = flags.tls || flags.ca !== undefined ? '' : ' If it serves TLS, add --tls.';
          exit(1, `Cannot reach the chat server at ${host} — is it running? (${printable(error.details)})${hint}`);
        }
        exit(1, `Cannot ${what}: ${printable(error.details)}`);
      }
      resolve(response as T);
    });
  });
}

// Which room: its number in the list, or its id (private rooms are not listed).
function pickRoom(rooms: string[]) {
  return (answer: string): { value: string } | string => {
    if (/^\d{1,3}$/.test(answer)) {
      const index = Number(answer);
      if (index >= 1 && index <= rooms.length) return { value: rooms[index - 1] };
      if (rooms.length === 0) return 'No room has a number: enter a room id';
      return `Enter a number from 1 to ${rooms.length}, or a room id`;
    }
    return /^\S{1,64}$/.test(answer) ? { value: answer } : 'Enter a room number from the list, or a room id';
  };
}

function nameTag(answer: string): { value: string } | string {
  return answer === '' ? 'A name tag cannot be empty' : { value: answer };
}

// Bidirectional streaming: one call, on which we write what the user types and
// read what the others say, both at the same time.
function chat(roomId: string, name: string): void {
  const stream = client.Chat();
  let joined = false; // the server has answered: response headers, or a message
  let typing = false;

  // Response headers: the server accepted our join. Ours sends them at once; the Go
  // chatserver sends them only with the first message, which may be long in
  // coming. So we wait for them, or HEADERS_WAIT_MS at most, before we take input.
  const start = () => {
    if (typing) return;
    typing = true;
    show(`Joined room ${printable(roomId)} as ${printable(name)}. Type a message and press Enter (Ctrl+D leaves).`);
    void type();
  };
  stream.once('metadata', () => {
    joined = true;
    start();
  });
  setTimeout(start, HEADERS_WAIT_MS).unref();
  stream.on('data', (message: Message__Output) => {
    joined = true;
    show(`${printable(message.name)}: ${printable(message.message)}`);
  });
  // A status other than OK. Without this handler, grpc-js's 'error' event would
  // crash the process with a stack trace.
  stream.on('error', (error: grpc.ServiceError) => {
    const details = printable(error.details);
    if (!joined) exit(1, `Cannot join room ${printable(roomId)}: ${details}`);
    exit(1, `Lost the chat server at ${host}: ${details}`);
  });
  // Status OK: we left (end of input), or the room was deleted; its last message,
  // `chat server: chat room is closing`, is already on the screen.
  stream.on('end', () => exit(0));

  async function type(): Promise<void> {
    const typing = input();
    for (let line = await typing.next(); !line.done; line = await typing.next()) {
      if (line.value.trim() === '') continue;
      // The server replaces `name` with the one we joined with; we fill it in anyway.
      // write() returns false when the stream's buffer is full: wait until it drains.
      if (!stream.write({ message: { name, message: line.value } })) await once(stream, 'drain');
    }
    // End of input (Ctrl+D, or the end of a piped file): close our half of the
    // stream. Our server then tells the room we left and ends the call with OK
    // ('end' above). Others (the Go chatserver) may keep it open; we need not wait:
    // one more call on the same connection travels behind our last message, so
    // once the server answers it, it has everything we wrote. Then we go.
    stream.end();
    client.ListChatRooms({}, { deadline: Date.now() + DEADLINE_MS }, () => exit(0));
  }

  // The first message on the stream says where and as whom.
  stream.write({ join: { room_id: roomId, name } });
}

async function main(): Promise<void> {
  if (flags.create) {
    const room = await unary<ChatRoom__Output>('create a room', (options, done) =>
      client.CreateChatRoom({ private: flags.private }, options, done),
    );
    console.log(printable(room.room_id)); // only the id, so scripts can capture it
    exit(0);
  }
  const { chat_rooms } = await unary<ListChatRoomsResponse__Output>('list the rooms', (options, done) =>
    client.ListChatRooms({}, options, done),
  );
  const rooms = chat_rooms.map((room) => room.room_id);
  if (rooms.length === 0) {
    console.log('No public chat rooms. Create one with `npx ts-node client.ts --create`, or enter a private room id.');
  } else {
    console.log('Chat rooms:');
    rooms.forEach((id, i) => console.log(`[${i + 1}]: ${printable(id)}`));
  }
  const roomId = await ask('Pick a room', pickRoom(rooms));
  const name = await ask('Enter Name tag', nameTag);
  chat(roomId, name);
}

process.once('SIGINT', () => exit(0));
process.once('SIGTERM', () => exit(0));
void main().catch((error: Error) => fail(`Unexpected error: ${error.message}`));
