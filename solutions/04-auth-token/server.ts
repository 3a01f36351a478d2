// server.ts: the lets-chat server. Start it with `npx ts-node server.ts -p <password>`.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { clock, HOST_PORT, loadChatProto, MAX_MESSAGE_BYTES, readFlags, toTimestamp, TOKEN_HEADER, usageError } from './common';
import type { ChatHandlers } from './generated/chat/Chat';
import { addressOf, allowSend, LIMITS, listen, serverOptions } from './limits';
import { loginSucceeded, loginTurn } from './logins';
import { lookalikeProblem, normalizeName } from './names';
import type { StreamRequest__Output } from './generated/chat/StreamRequest';
import type { StreamResponse } from './generated/chat/StreamResponse';

const USAGE =
  'Usage: npx ts-node server.ts -p password [-h host:port] [--port N]  (default 0.0.0.0:6262; --port 0 picks a free port)';
const MAX_REQUEST_BYTES = 64 * 1024; // grpc-js refuses bigger requests before reading them
const MAX_QUEUED = 1000; // events waiting for one slow client before we cut it off
const TOKEN_BYTES = 16; // 128 random bits: nobody guesses that
const NAME = /^[^\p{C}<>]{1,32}$/u; // no control characters, nothing that looks like <<Server>>

const flags = readFlags(
  {
    password: { type: 'string', short: 'p' },
    host: { type: 'string', short: 'h' },
    port: { type: 'string' },
    server: { type: 'boolean', short: 's' }, // the reference's "be the server" switch: accepted, not needed
  },
  USAGE,
);
if (!flags.password) usageError('A password is required: -p <password>', USAGE);
const address = HOST_PORT.exec(flags.host ?? '0.0.0.0:6262') ?? usageError(`Invalid -h ${flags.host}`, USAGE);
if (flags.port !== undefined && !/^\d{1,5}$/.test(flags.port)) usageError(`Invalid --port ${flags.port}`, USAGE);
const host = address[1];
const port = Number(flags.port ?? address[2]);
const proto = loadChatProto();

// Server log lines look like the reference's: "[03:04:05 PM] <<Server>>: …".
function log(text: string): void {
  console.log(`${clock()} <<Server>>: ${text}`);
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

// We keep only a hash of the password. Comparing hashes with timingSafeEqual takes
// the same time whatever the guess: a plain `===` stops at the first wrong character,
// and how long it took would tell an attacker how much of a guess was right.
// (Hashing first also makes both sides the same length, which timingSafeEqual needs.)
const passwordHash = sha256(flags.password);

// A logged-in user. `label` is the start of the token, for the log: the whole token
// is a bearer secret (whoever has it is this user), so it is never printed.
type EventStream = grpc.ServerDuplexStream<StreamRequest__Output, StreamResponse>;
interface Session {
  name: string;
  label: string;
  stream?: EventStream; // the user's open Stream call, once there is one
  lease?: NodeJS.Timeout; // ends the session if no Stream opens in time
}

// Sessions by the SHA-256 of their token, not by the token: a Map lookup compares
// keys like `===` does, so keying by the secret itself would leak timing about it.
// The hash of a guess tells an attacker nothing about the real token.
const sessions = new Map<string, Session>();
const keyOf = (token: string) => sha256(token).toString('hex');

// Send an event, stamped with the current time, to every open stream.
function broadcast(event: Omit<StreamResponse, 'timestamp'>): void {
  const response: StreamResponse = { timestamp: toTimestamp(new Date()), ...event };
  const tooSlow: string[] = [];
  for (const [key, { stream }] of sessions) {
    // write() queues the event and returns false once the client is not keeping
    // up (backpressure). A slow client catches up; one that stopped reading would
    // make its queue, and our memory, grow for ever. So we cap the queue.
    if (stream && stream.writableLength >= MAX_QUEUED) tooSlow.push(key);
    else stream?.write(response);
  }
  for (const key of tooSlow) {
    const status = { code: grpc.status.RESOURCE_EXHAUSTED, details: 'you are not reading; too many events queued' };
    logOut(key, ` (cut off after ${MAX_QUEUED} unread events)`, status);
  }
}

// The one way a session ends: forget the token, close its stream (with OK, or the
// error status given), tell everyone. Calling it again for the same key does nothing.
function logOut(key: string, why: string, status?: Partial<grpc.StatusObject>): void {
  const session = sessions.get(key);
  if (!session) return;
  sessions.delete(key);
  clearTimeout(session.lease);
  // Emitting 'error' with a status on a server stream makes grpc-js end the call
  // with that status; end() closes it with OK.
  if (status) session.stream?.emit('error', status);
  else session.stream?.end();
  log(`${session.label}… (${session.name}) has logged out${why}`);
  broadcast({ client_logout: { name: session.name } });
}

const handlers: ChatHandlers = {
  async Login(call, callback) {
    const { password, name } = call.request;
    // Guessing is slowed per address (logins.ts): wait for this attempt's turn.
    const source = addressOf(call.getPeer());
    const tooMany = await loginTurn(source);
    if (tooMany) {
      callback(tooMany);
      return;
    }
    if (!timingSafeEqual(sha256(password), passwordHash)) {
      // UNAUTHENTICATED: "we do not know who you are". (PERMISSION_DENIED would mean
      // "we know you, and you may not do this".)
      callback({ code: grpc.status.UNAUTHENTICATED, details: 'password is incorrect' });
      return;
    }
    loginSucceeded(source);
    const trimmed = normalizeName(name); // one form for every way of writing it (names.ts)
    if (trimmed === '') {
      callback({ code: grpc.status.INVALID_ARGUMENT, details: 'username is required' });
      return;
    }
    if (!NAME.test(trimmed)) {
      callback({
        code: grpc.status.INVALID_ARGUMENT,
        details: 'username must be at most 32 characters, without < > or control characters',
      });
      return;
    }
    // Names that could pass for another one: invisible characters, mixed scripts.
    const lookalike = lookalikeProblem(trimmed);
    if (lookalike) {
      callback({ code: grpc.status.INVALID_ARGUMENT, details: lookalike });
      return;
    }
    if (sessions.size >= LIMITS.maxUsers) {
      callback({ code: grpc.status.RESOURCE_EXHAUSTED, details: `the chat is full (${LIMITS.maxUsers} sessions)` });
      return;
    }
    // A token from the operating system's cryptographic random source; Math.random
    // is predictable and must never make secrets.
    const token = randomBytes(TOKEN_BYTES).toString('hex');
    const session: Session = { name: trimmed, label: token.slice(0, 8) };
    const key = keyOf(token);
    sessions.set(key, session);
    // A session is for a client that streams: without a Stream soon, it ends.
    session.lease = setTimeout(() => logOut(key, ' (no stream opened)'), LIMITS.nameLeaseMs);
    log(`${session.label}… (${session.name}) has logged in`);
    broadcast({ client_login: { name: session.name } });
    callback(null, { token });
  },

  Logout(call, callback) {
    const key = keyOf(call.request.token);
    if (!sessions.has(key)) {
      callback({ code: grpc.status.NOT_FOUND, details: 'token not found' });
      return;
    }
    logOut(key, '');
    callback(null, {});
  },

  // Bidirectional streaming: `call` is both a readable stream (the client's
  // StreamRequests) and a writable one (our StreamResponses), open until one side
  // ends it.
  Stream(call) {
    // Metadata: the key/value headers sent before the first message. A key may
    // appear more than once, so get() returns a list; we use the first value.
    const [token] = call.metadata.get(TOKEN_HEADER);
    if (token === undefined) {
      call.emit('error', { code: grpc.status.UNAUTHENTICATED, details: 'missing token header' });
      return;
    }
    const key = keyOf(String(token));
    const session = sessions.get(key);
    if (!session) {
      call.emit('error', { code: grpc.status.UNAUTHENTICATED, details: 'invalid token' });
      return;
    }
    // One stream per login. A second one would get every event twice, and the
    // session would end when either closed; so the first stays and this one is refused.
    if (session.stream) {
      call.emit('error', { code: grpc.status.ALREADY_EXISTS, details: 'this token already has an open stream' });
      return;
    }
    session.stream = call;
    clearTimeout(session.lease);
    // Send the response headers now: the client learns that we accepted the stream.
    call.sendMetadata(new grpc.Metadata());

    call.on('data', (request: StreamRequest__Output) => {
      if (sessions.get(key) !== session) return; // logged out while this was on its way
      const text = request.message;
      if (text.trim() === '') return; // nothing to say
      // One sender must not flood everyone (limits.ts): too fast, and it is cut off.
      const tooFast = allowSend(call.getPeer());
      if (tooFast) {
        logOut(key, ' (sending too fast)', tooFast);
        return;
      }
      if (Buffer.byteLength(text) > MAX_MESSAGE_BYTES) {
        const details = `message is longer than ${MAX_MESSAGE_BYTES} bytes`;
        logOut(key, ` (${details})`, { code: grpc.status.INVALID_ARGUMENT, details });
        return;
      }
      broadcast({ client_message: { name: session.name, message: text } });
    });
    // 'end': the client closed its side of the stream (it will send nothing more);
    // 'cancelled': it cancelled the call, or its connection died. Either way the
    // stream is over without a Logout, so we log the user out: otherwise the token
    // would stay valid for ever. grpc-js reports a failing stream on 'error'; we
    // treat that the same way.
    const lost = () => logOut(key, ' (stream closed without Logout)');
    call.on('end', lost);
    call.on('cancelled', lost);
    call.on('error', lost);
  },
};

// serverOptions(): idle connections closed, keepalive pings, a connection age (limits.ts).
const server = new grpc.Server({ ...serverOptions(), 'grpc.max_receive_message_length': MAX_REQUEST_BYTES });
server.addService(proto.chat.Chat.service, handlers);

// Ctrl+C (SIGINT) or SIGTERM: tell every client, close every stream, stop.
function shutDown(): void {
  log('shutting down');
  broadcast({ server_shutdown: {} });
  for (const { stream } of sessions.values()) stream?.end();
  sessions.clear();
  server.tryShutdown(() => process.exit(0));
  // A client that stopped reading cannot take its last event; don't wait for it.
  setTimeout(() => {
    server.forceShutdown();
    process.exit(0);
  }, 1500).unref();
}
process.once('SIGINT', shutDown);
process.once('SIGTERM', shutDown);

// Plaintext (insecure) credentials keep the exercise simple, but the password and
// the tokens then cross the network readable by anyone on the way: see README.md.
// listen() is server.bindAsync() plus a cap on connections per address and in total.
listen(server, host, port, grpc.ServerCredentials.createInsecure(), (error, boundPort) => {
  if (error) {
    console.error(
      error.message.includes('EADDRINUSE')
        ? `Port ${port} is already in use — is another server running? Use -h host:port or --port to pick another.`
        : `Cannot listen on ${host}:${port}: ${error.message}`,
    );
    process.exit(1);
  }
  log(`starting on ${host}:${boundPort}`);
  console.log(`Server listening on ${host}:${boundPort}`);
});
