// server.ts: the messenger server, one chat room.
// Start it with `npx ts-node server.ts [--port N]` or MESSENGER_SERVER_PORT=N.
import * as grpc from '@grpc/grpc-js';
import { fromNanos, isPort, loadMessengerProto, readSettings, toNanos } from './common';
import type { ChatMessage } from './generated/messenger/ChatMessage';
import { allowSend, listen, serverOptions } from './limits';
import type { MessengerHandlers } from './generated/messenger/Messenger';
import type { ReadRequest__Output } from './generated/messenger/ReadRequest';

const USAGE =
  'Usage: npx ts-node server.ts [--port N]  (default $MESSENGER_SERVER_PORT, else 51075; 0 picks a free port)';
const MAX_TEXT_BYTES = 4096;
const MAX_AUTHOR_BYTES = 128;
const MAX_REQUEST_BYTES = 64 * 1024; // grpc-js refuses bigger requests before reading them
const KEPT = 1000; // recent messages kept for readers that resume after a lost connection
const MAX_QUEUED = 2000; // messages waiting for one slow reader before we cut it off

const { port } = readSettings(USAGE, { port: { env: 'MESSENGER_SERVER_PORT', fallback: '51075', valid: isPort } });
const proto = loadMessengerProto();

// The send-time clock, in nanoseconds since 1970. Date.now() counts milliseconds
// only, so read it once at start and add the nanosecond monotonic clock
// (process.hrtime.bigint()) that has run since. Two sends can still read the same
// value (or the clock may be coarser than 1 ns), so a time that is not later than
// the last one becomes the last one plus 1 ns: times are unique and only go up.
const wallAtStart = BigInt(Date.now()) * 1_000_000n;
const monoAtStart = process.hrtime.bigint();
let lastSendTime = 0n;
function nextSendTime(): bigint {
  const now = wallAtStart + (process.hrtime.bigint() - monoAtStart);
  lastSendTime = now > lastSendTime ? now : lastSendTime + 1n;
  return lastSendTime;
}

// The last KEPT messages, oldest first, for replays.
const kept: Array<{ time: bigint; message: ChatMessage }> = [];

// Every open ReadMessages stream.
type Reader = grpc.ServerWritableStream<ReadRequest__Output, ChatMessage>;
const readers = new Set<Reader>();

// End a stream with a gRPC status; the client sees it as an error.
function endReader(reader: Reader, code: grpc.status, details: string): void {
  readers.delete(reader);
  reader.emit('error', { code, details });
}

// Stamping and writing happen in one go, with no await in between: Node runs one
// callback at a time, so every reader gets the messages in send-time order.
function post(author: string, text: string): bigint {
  const time = nextSendTime();
  const message: ChatMessage = { author, text, send_time: fromNanos(time) };
  kept.push({ time, message });
  if (kept.length > KEPT) kept.shift();
  for (const reader of readers) {
    // write() queues the message even when the reader is slow (backpressure);
    // one that stops reading would make the queue grow for ever, so we cap it.
    if (reader.writableLength >= MAX_QUEUED) {
      console.log(`A reader stopped reading; cut off after ${MAX_QUEUED} queued messages`);
      endReader(reader, grpc.status.RESOURCE_EXHAUSTED, 'you are not reading; too many messages queued');
    } else {
      reader.write(message);
    }
  }
  return time;
}

// A problem with a request: the caller gets INVALID_ARGUMENT and this text.
function checkField(name: string, value: string, maxBytes: number): string | undefined {
  if (value.trim() === '') return `${name} is empty`;
  if (Buffer.byteLength(value) > maxBytes) return `${name} is longer than ${maxBytes} bytes`;
  return undefined;
}

const handlers: MessengerHandlers = {
  // Unary RPC: stamp the message, send it to every reader, answer with its time.
  SendMessage(call, callback) {
    // One sender must not flood every reader (limits.ts).
    const tooFast = allowSend(call.getPeer());
    if (tooFast) {
      callback(tooFast);
      return;
    }
    const { author, text } = call.request;
    const problem = checkField('author', author, MAX_AUTHOR_BYTES) ?? checkField('text', text, MAX_TEXT_BYTES);
    if (problem) {
      callback({ code: grpc.status.INVALID_ARGUMENT, details: problem });
      return;
    }
    callback(null, { send_time: fromNanos(post(author, text)) });
  },

  // Server-streaming RPC: replay what the reader missed (if it says where it
  // stopped), then keep the stream to write new messages to it.
  ReadMessages(call) {
    call.sendMetadata(new grpc.Metadata()); // response headers: "you are subscribed"
    const after = call.request.after;
    let replayed = 0;
    if (after) {
      const position = toNanos(after);
      for (const { time, message } of kept) {
        if (time > position) {
          call.write(message);
          replayed += 1;
        }
      }
    }
    readers.add(call);
    const resumed = after ? `, resumed with ${replayed} missed messages` : '';
    console.log(`A reader joined (${readers.size} reading${resumed})`);
    // 'cancelled' fires when the client cancels or its connection drops.
    call.on('cancelled', () => {
      if (readers.delete(call)) console.log(`A reader left (${readers.size} reading)`);
    });
  },
};

// serverOptions(): idle connections closed, keepalive pings, a connection age (limits.ts).
const server = new grpc.Server({ ...serverOptions(), 'grpc.max_receive_message_length': MAX_REQUEST_BYTES });
server.addService(proto.messenger.Messenger.service, handlers);

// Ctrl+C (SIGINT) or SIGTERM: tell every reader, then stop.
function shutDown(): void {
  console.log('Shutting down');
  for (const reader of readers) endReader(reader, grpc.status.UNAVAILABLE, 'server shutting down');
  server.tryShutdown(() => process.exit(0));
  // A reader that stopped reading cannot take its last message; don't wait for it.
  setTimeout(() => {
    server.forceShutdown();
    process.exit(0);
  }, 1500).unref();
}
process.once('SIGINT', shutDown);
process.once('SIGTERM', shutDown);

// 0.0.0.0: every network interface, as the course's setup expects. Plaintext for
// simplicity; real deployments use TLS.
// listen() is server.bindAsync() plus a cap on connections per address and in total.
listen(server, '0.0.0.0', Number(port), grpc.ServerCredentials.createInsecure(), (error, boundPort) => {
  if (error) {
    console.error(
      error.message.includes('EADDRINUSE')
        ? `Port ${port} is already in use — is another server running? Use --port or MESSENGER_SERVER_PORT to pick another.`
        : `Cannot listen on port ${port}: ${error.message}`,
    );
    process.exit(1);
  }
  console.log(`Server listening on 0.0.0.0:${boundPort}`);
});
