// server.ts: the chat server. Alone: `npx ts-node server.ts [--port N]`. As one of
// several replicas of one chat: add `--redis redis://host:port` (or set REDIS_URL).
import { randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { loadChatProto, readFlags } from './common';
import { allowSend, LIMITS, listen, onDisconnect, serverOptions } from './limits';
import { checkUsername, normalizeName } from './names';
import type { ChatHandlers } from './generated/chat/Chat';
import type { ListenRequest__Output } from './generated/chat/ListenRequest';
import type { Message } from './generated/chat/Message';
import { _chat_MessageResponse_Code as Code } from './generated/chat/MessageResponse';
import { RedisStore } from './redis-store';
import { MemoryStore, type ChatStore, type Post } from './store';

const USAGE =
  'Usage: npx ts-node server.ts [--port N] [--redis redis://host:port]\n' +
  '  --port   default 50051; 0 picks a free port\n' +
  '  --redis  share the chat with other replicas through this Redis (default: $REDIS_URL; none: alone, in memory)\n' +
  '  CHAT_NAME_LEASE_MS  how long a name outlives its Listen stream\'s replica (default 5000)';
const MAX_MESSAGE_BYTES = 4096; // the longest chat message we accept
const MAX_REQUEST_BYTES = 64 * 1024; // grpc-js refuses bigger requests before reading them
const MAX_QUEUED = 1000; // messages waiting for one slow listener before we cut it off
const SERVICE = 'chat.Chat'; // the name health checks know the chat by
// Metadata the 07 client sends: who it is (its session), and an id per message.
const SESSION_HEADER = 'chat-session';
const MESSAGE_ID_HEADER = 'chat-message-id';
const SECRET = /^[A-Za-z0-9_-]{16,64}$/;

const flags = readFlags(
  {
    port: { fallback: '50051', valid: /^\d{1,5}$/ },
    redis: { fallback: process.env.REDIS_URL || undefined, valid: /^rediss?:\/\/\S+$/ },
  },
  USAGE,
);
const port = Number(flags.port);
const proto = loadChatProto();

// The standard health service, grpc.health.v1.Health: load balancers and probes ask
// it whether this replica can serve. '' is the server as a whole.
const health = new HealthImplementation({ '': 'SERVING', [SERVICE]: 'SERVING' });
let shuttingDown = false;
function setServing(serving: boolean): void {
  const status = serving && !shuttingDown ? 'SERVING' : 'NOT_SERVING';
  health.setStatus('', status);
  health.setStatus(SERVICE, status);
}

let redisReady = false;
const store: ChatStore = flags.redis
  ? new RedisStore(flags.redis, LIMITS.nameLeaseMs, (ready, why) => {
      if (ready === redisReady) return;
      redisReady = ready;
      console.log(ready ? 'Connected to Redis' : `Lost Redis (${why}); not serving until it is back`);
      setServing(ready);
    })
  : new MemoryStore(LIMITS.nameLeaseMs);

// Every open Listen stream on this replica. A message is written to each of them.
type Listener = grpc.ServerWritableStream<ListenRequest__Output, Message>;
const listeners = new Set<Listener>();
// The users whose Listen stream is here: where their direct messages go, and whose
// names this replica keeps renewing.
interface Owner {
  name: string;
  session: string;
  listener: Listener;
}
const owners = new Map<string, Owner>(); // by name
// Clients that send no session (03's client, other languages): one per connection.
const peerSessions = new Map<string, string>(); // by peer (host:port)

// Who is calling: the session in the call's metadata, or the one of its connection.
type Call = { metadata: grpc.Metadata; getPeer(): string };
function sessionOf(call: Call): string | undefined {
  return sentSession(call) ?? peerSessions.get(call.getPeer());
}

function sentSession(call: Call): string | undefined {
  const [sent] = call.metadata.get(SESSION_HEADER);
  return typeof sent === 'string' && SECRET.test(sent) ? sent : undefined;
}

function release(owner: Owner): void {
  owners.delete(owner.name);
  for (const [peer, session] of peerSessions) if (session === owner.session) peerSessions.delete(peer);
  console.log(`Released user ${owner.name}`);
  // Shutting down, we keep the names: their clients take them back on another replica.
  if (!shuttingDown) store.release(owner.name, owner.session).catch(() => {}); // else the lease runs out
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

// Every post of the chat, from whichever replica, arrives here once, in order.
store.onPost((post: Post) => {
  const message = { msg: post.msg, user: { username: post.from } };
  if (post.to === '') {
    for (const listener of listeners) deliver(listener, message);
  } else {
    const owner = owners.get(post.to); // on this replica, or on another one
    if (owner) deliver(owner.listener, message);
  }
});

// Keep the names of our listeners: renew their lease in Redis well before it runs out.
if (store instanceof RedisStore) {
  setInterval(() => {
    for (const owner of owners.values()) {
      store.claim(owner.name, owner.session, true).then(
        (held) => held || endListener(owner.listener, grpc.status.ABORTED, `the name ${owner.name} is no longer yours`),
        () => {}, // Redis is away: the next round tries again
      );
    }
  }, store.leaseMs / 3).unref();
}

// A problem with a request: the caller gets INVALID_ARGUMENT and this text.
function checkMessage(text: string): string | undefined {
  if (text.trim() === '') return 'message is empty';
  if (Buffer.byteLength(text) > MAX_MESSAGE_BYTES) {
    return `message is longer than ${MAX_MESSAGE_BYTES} bytes`;
  }
  return undefined;
}

// Without Redis a replica cannot know who is who, or reach the others: UNAVAILABLE
// tells the client to try again (the 07 client's retry policy sends it elsewhere).
const UNAVAILABLE = { code: grpc.status.UNAVAILABLE, details: 'this chat server cannot reach its Redis; try again' };
const storeFailed = (error: unknown) => ({ ...UNAVAILABLE, details: `${UNAVAILABLE.details} (${String(error)})` });

const handlers: ChatHandlers = {
  // #region slides:send-message
  // Unary RPC: read the request, answer through the callback (error first).
  SendMessage(call, callback) {
    // One sender must not flood everyone's screen (and queues): see limits.ts.
    const tooFast = allowSend(call.getPeer());
    if (tooFast) return callback(tooFast);
    const problem = checkMessage(call.request.msg);
    if (problem) return callback({ code: grpc.status.INVALID_ARGUMENT, details: problem });
    if (!store.ready) return callback(UNAVAILABLE);
    void (async () => {
      // The sender is whoever holds a name for this session, whatever the request's
      // user field says: that is what stops people posting as someone else.
      const session = sessionOf(call);
      const sender = session && (await store.nameOf(session));
      if (!sender) return callback({ code: grpc.status.FAILED_PRECONDITION, details: 'add a user first' });
      // "@bob hi" goes to bob alone, on whichever replica bob listens. Never fall back to broadcasting it.
      const target = /^@(\S+)/.exec(call.request.msg)?.[1];
      if (target !== undefined && !(await store.isListening(normalizeName(target)))) {
        return callback({ code: grpc.status.NOT_FOUND, details: `no user named ${target}` });
      }
      const [id] = call.metadata.get(MESSAGE_ID_HEADER);
      await store.publish({ from: sender, msg: call.request.msg, to: target === undefined ? '' : normalizeName(target) }, typeof id === 'string' ? id : undefined);
      callback(null, { msg: target === undefined ? 'Sent message' : `Sent direct message to ${target}` });
    })().catch((error) => callback(storeFailed(error)));
  },
  // #endregion

  // #region slides:add-user
  AddUser(call, callback) {
    const username = normalizeName(call.request.username);
    const problem = checkUsername(username);
    if (problem) return callback({ code: grpc.status.INVALID_ARGUMENT, details: problem });
    if (!store.ready) return callback(UNAVAILABLE);
    void (async () => {
      const sent = sentSession(call);
      const session = sessionOf(call) ?? randomBytes(16).toString('hex');
      // One name per session. Asking again for the same one is fine: that is how a
      // client takes its name back after its replica went away.
      const mine = await store.nameOf(session);
      if (mine !== undefined && (mine !== username || !sent)) {
        return callback({ code: grpc.status.FAILED_PRECONDITION, details: `you are already ${mine}` });
      }
      // A taken name is a normal answer, not an error: the client just asks again.
      // In Redis the check and the claim are one step, so two replicas never both say ADDED.
      if (!(await store.claim(username, session, false))) {
        return callback(null, { msg: 'Username taken, please choose another.', code: Code.TAKEN });
      }
      if (!sent) {
        // A name given to a connection ends with it: a later connection from the same host:port is somebody else.
        const peer = call.getPeer();
        peerSessions.set(peer, session);
        onDisconnect(peer, () => {
          peerSessions.delete(peer);
          if (!shuttingDown) store.release(username, session).catch(() => {});
        });
      }
      console.log(`Added user ${username}`);
      callback(null, { msg: `User ${username} created.`, code: Code.ADDED });
    })().catch((error) => callback(storeFailed(error)));
  },
  // #endregion

  // #region slides:listen
  // Server-streaming RPC: keep `call` and write to it until the client leaves.
  Listen(call) {
    // 'cancelled' fires when the call is over: the client cancelled, its
    // connection dropped, or the stream ended with a status.
    call.on('cancelled', () => {
      leave(call);
      // Quit, crash or lost network: the user's stream ended, so free the name.
      const owner = [...owners.values()].find((o) => o.listener === call);
      if (owner) release(owner);
    });
    listeners.add(call);
    console.log(`A listener joined (${listeners.size} listening)`);
    void (async () => {
      const session = sessionOf(call);
      const name = session && (await store.nameOf(session));
      if (session && name && listeners.has(call)) {
        if (!(await store.claim(name, session, true))) throw new Error(`lost the name ${name}`);
        owners.set(name, { name, session, listener: call });
      }
      // Send the response headers now, so the client knows it is subscribed.
      call.sendMetadata(new grpc.Metadata());
    })().catch((error) => endListener(call, grpc.status.UNAVAILABLE, storeFailed(error).details));
  },
  // #endregion
};

// serverOptions(): idle connections closed, keepalive pings, a connection age (limits.ts).
const server = new grpc.Server({ ...serverOptions(), 'grpc.max_receive_message_length': MAX_REQUEST_BYTES });
server.addService(proto.chat.Chat.service, handlers);
health.addToServer(server);

// Ctrl+C (SIGINT) or SIGTERM: say we no longer serve, tell every listener, then
// stop. grpc-js sends GOAWAY on every connection: clients send new calls elsewhere.
function shutDown(): void {
  console.log('Shutting down');
  shuttingDown = true;
  setServing(false);
  for (const listener of listeners) {
    endListener(listener, grpc.status.UNAVAILABLE, 'server shutting down');
  }
  server.tryShutdown(() => void store.close().then(() => process.exit(0)));
  // A client that stopped reading cannot take its last message; don't wait for it.
  setTimeout(() => {
    server.forceShutdown();
    process.exit(0);
  }, 1500).unref();
}
process.once('SIGINT', shutDown);
process.once('SIGTERM', shutDown);

async function start(): Promise<void> {
  if (store instanceof RedisStore) {
    setServing(false);
    await store.connected(3000);
    if (!store.ready) console.log(`Cannot reach Redis at ${flags.redis} yet; not serving until it is there`);
  }
  // 0.0.0.0 accepts connections on every network interface. Plaintext (insecure)
  // credentials keep the workshop simple; real deployments use TLS.
  // listen() is server.bindAsync() plus a cap on connections per address and in total (limits.ts).
  listen(server, '0.0.0.0', port, grpc.ServerCredentials.createInsecure(), (error, boundPort) => {
    if (error) {
      console.error(
        error.message.includes('EADDRINUSE')
          ? `Port ${port} is already in use — is another server running? Use --port to pick another.`
          : `Cannot listen on port ${port}: ${error.message}`,
      );
      process.exit(1);
    }
    if (flags.redis) console.log(`A replica of the chat in Redis at ${flags.redis}`);
    console.log(`Server listening on 0.0.0.0:${boundPort}`);
  });
}
void start();
