// server.ts: the chat server. Start it with `npx ts-node server.ts [--port N]`.
import * as grpc from '@grpc/grpc-js';
import { loadChatProto, readFlag } from './common';
import { allowSend, listen, serverOptions } from './limits';
import { checkUsername, normalizeName } from './names';
import type { ChatHandlers } from './generated/chat/Chat';
import type { ListenRequest__Output } from './generated/chat/ListenRequest';
import type { Message } from './generated/chat/Message';

const USAGE = 'Usage: npx ts-node server.ts [--port N]  (default 50051; 0 picks a free port)';
const MAX_MESSAGE_BYTES = 4096; // the longest chat message we accept
const MAX_REQUEST_BYTES = 64 * 1024; // grpc-js refuses bigger requests before reading them
const MAX_QUEUED = 1000; // messages waiting for one slow listener before we cut it off

const port = Number(readFlag('port', '50051', USAGE, /^\d{1,5}$/));
const proto = loadChatProto();

// Every open Listen stream. A message is written to each of them.
type Listener = grpc.ServerWritableStream<ListenRequest__Output, Message>;
const listeners = new Set<Listener>();
// The usernames in use. In this stage a name stays taken after its owner leaves.
const usernames = new Set<string>();

// Forget a listener: its client left, or we ended its stream.
function leave(listener: Listener): void {
  if (listeners.delete(listener)) console.log(`A listener left (${listeners.size} listening)`);
}

// End a Listen stream with a gRPC status; the client sees it as an error.
function endListener(listener: Listener, code: grpc.status, details: string): void {
  leave(listener);
  listener.emit('error', { code, details });
}

function deliver(listener: Listener, message: Message): void {
  // write() queues the message and returns false once the client is not keeping
  // up (backpressure). A slow client catches up later; one that stops reading
  // would make its queue, and our memory, grow for ever. So we cap the queue.
  if (listener.writableLength >= MAX_QUEUED) {
    console.log(`A listener stopped reading; cut off after ${MAX_QUEUED} queued messages`);
    endListener(listener, grpc.status.RESOURCE_EXHAUSTED, 'you are not reading; too many messages queued');
  } else {
    listener.write(message);
  }
}

function broadcast(message: Message): void {
  for (const listener of listeners) deliver(listener, message);
}

// A problem with a request: the caller gets INVALID_ARGUMENT and this text.
function checkMessage(text: string): string | undefined {
  if (text.trim() === '') return 'message is empty';
  if (Buffer.byteLength(text) > MAX_MESSAGE_BYTES) {
    return `message is longer than ${MAX_MESSAGE_BYTES} bytes`;
  }
  return undefined;
}

const handlers: ChatHandlers = {
  // #region slides:send-message
  // Unary RPC: read the request, answer through the callback (error first).
  SendMessage(call, callback) {
    // One sender must not flood everyone's screen (and queues): see limits.ts.
    const tooFast = allowSend(call.getPeer());
    if (tooFast) {
      callback(tooFast);
      return;
    }
    const problem = checkMessage(call.request.msg);
    if (problem) {
      callback({ code: grpc.status.INVALID_ARGUMENT, details: problem });
      return;
    }
    // A message field that was not sent arrives as null.
    const username = normalizeName(call.request.user?.username ?? '');
    if (!usernames.has(username)) {
      callback({ code: grpc.status.FAILED_PRECONDITION, details: 'add a user first' });
      return;
    }
    broadcast({ msg: call.request.msg, user: { username } });
    callback(null, { msg: 'Sent message' });
  },
  // #endregion

  // #region slides:add-user
  AddUser(call, callback) {
    const username = normalizeName(call.request.username);
    const problem = checkUsername(username);
    if (problem) {
      callback({ code: grpc.status.INVALID_ARGUMENT, details: problem });
      return;
    }
    // A taken name is a normal answer, not an error: the client just asks again.
    if (usernames.has(username)) {
      callback(null, { msg: 'Username taken, please choose another.' });
      return;
    }
    usernames.add(username);
    console.log(`Added user ${username} (${usernames.size} users)`);
    callback(null, { msg: 'Added user' });
  },
  // #endregion

  // #region slides:listen
  // Server-streaming RPC: keep `call` and write to it until the client leaves.
  Listen(call) {
    listeners.add(call);
    // Send the response headers now, so the client knows it is subscribed.
    call.sendMetadata(new grpc.Metadata());
    console.log(`A listener joined (${listeners.size} listening)`);
    // 'cancelled' fires when the call is over: the client cancelled, its
    // connection dropped, or the stream ended with a status.
    call.on('cancelled', () => leave(call));
  },
  // #endregion
};

// serverOptions(): idle connections closed, keepalive pings, a connection age (limits.ts).
const server = new grpc.Server({ ...serverOptions(), 'grpc.max_receive_message_length': MAX_REQUEST_BYTES });
server.addService(proto.chat.Chat.service, handlers);

// Ctrl+C (SIGINT) or SIGTERM: tell every listener, then stop.
function shutDown(): void {
  console.log('Shutting down');
  for (const listener of listeners) {
    endListener(listener, grpc.status.UNAVAILABLE, 'server shutting down');
  }
  server.tryShutdown(() => process.exit(0));
  // A client that stopped reading cannot take its last message; don't wait for it.
  setTimeout(() => {
    server.forceShutdown();
    process.exit(0);
  }, 1500).unref();
}
process.once('SIGINT', shutDown);
process.once('SIGTERM', shutDown);

// 0.0.0.0 accepts connections on every network interface. Plaintext (insecure)
// credentials keep the workshop simple; real deployments use TLS. listen() is
// server.bindAsync() plus a cap on connections per address and in total (limits.ts).
listen(server, '0.0.0.0', port, grpc.ServerCredentials.createInsecure(), (error, boundPort) => {
  if (error) {
    console.error(
      error.message.includes('EADDRINUSE')
        ? `Port ${port} is already in use — is another server running? Use --port to pick another.`
        : `Cannot listen on port ${port}: ${error.message}`,
    );
    process.exit(1);
  }
  console.log(`Server listening on 0.0.0.0:${boundPort}`);
});
