// server.ts: the chat server. Start it with `npx ts-node server.ts [--port N]`.
import * as grpc from '@grpc/grpc-js';
import { loadChatProto, readFlag } from './common';
import { allowSend, LIMITS, listen, onDisconnect, serverOptions } from './limits';
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
// Who is in the chat. A user belongs to the client that added the name: its peer
// address (host:port), the same for every call on one channel. So nobody else can
// post under that name, and its Listen stream is where direct messages go.
// A name is a lease: it lapses unless the client's Listen stream opens within a
// few seconds, and it ends with that stream, or with the connection (a new
// connection from the same host:port is somebody else).
interface User {
  name: string;
  peer: string;
  listener?: Listener;
  lease?: NodeJS.Timeout;
  unwatch?: () => void; // stops watching the connection
}
const users = new Map<string, User>(); // by username
const callers = new Map<string, User>(); // by peer: who is calling

// The user's client has gone: the name is free again.
function release(user: User): void {
  if (users.get(user.name) !== user) return; // released already
  clearTimeout(user.lease);
  user.unwatch?.();
  users.delete(user.name);
  callers.delete(user.peer);
  console.log(`Released user ${user.name} (${users.size} users)`);
}

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
    // The sender is whoever added a name from this peer, whatever the request's
    // user field says: that is what stops people posting as someone else.
    const sender = callers.get(call.getPeer());
    if (!sender) {
      callback({ code: grpc.status.FAILED_PRECONDITION, details: 'add a user first' });
      return;
    }
    const message = { msg: call.request.msg, user: { username: sender.name } };
    // "@bob hi" goes to bob alone. Never fall back to broadcasting it.
    const target = /^@(\S+)/.exec(call.request.msg)?.[1];
    if (target === undefined) {
      broadcast(message);
      callback(null, { msg: 'Sent message' });
      return;
    }
    const recipient = users.get(normalizeName(target))?.listener;
    if (!recipient) {
      callback({ code: grpc.status.NOT_FOUND, details: `no user named ${target}` });
      return;
    }
    deliver(recipient, message);
    callback(null, { msg: `Sent direct message to ${target}` });
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
    // One name per client (peer).
    const peer = call.getPeer();
    const mine = callers.get(peer);
    if (mine) {
      callback({ code: grpc.status.FAILED_PRECONDITION, details: `you are already ${mine.name}` });
      return;
    }
    // A taken name is a normal answer, not an error: the client just asks again.
    if (users.has(username)) {
      callback(null, { msg: 'Username taken, please choose another.' });
      return;
    }
    if (users.size >= LIMITS.maxUsers) {
      callback({ code: grpc.status.RESOURCE_EXHAUSTED, details: `the chat is full (${LIMITS.maxUsers} users)` });
      return;
    }
    const user: User = { name: username, peer };
    users.set(username, user);
    callers.set(peer, user);
    user.lease = setTimeout(() => {
      console.log(`User ${username} never listened`);
      release(user);
    }, LIMITS.nameLeaseMs);
    user.unwatch = onDisconnect(peer, () => release(user));
    console.log(`Added user ${username} (${users.size} users)`);
    callback(null, { msg: 'Added user' });
  },
  // #endregion

  // #region slides:listen
  // Server-streaming RPC: keep `call` and write to it until the client leaves.
  Listen(call) {
    const peer = call.getPeer();
    const user = callers.get(peer);
    if (user) {
      user.listener = call;
      clearTimeout(user.lease); // the owner is here: the name is theirs while this stream lasts
    }
    listeners.add(call);
    // Send the response headers now, so the client knows it is subscribed.
    call.sendMetadata(new grpc.Metadata());
    console.log(`A listener joined (${listeners.size} listening)`);
    // 'cancelled' fires when the call is over: the client cancelled, its
    // connection dropped, or the stream ended with a status.
    call.on('cancelled', () => {
      leave(call);
      // Quit, crash or lost network: the user's stream ended, so free the name.
      const owner = callers.get(peer);
      if (owner && owner.listener === call) release(owner);
    });
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
