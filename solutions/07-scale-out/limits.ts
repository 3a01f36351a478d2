// limits.ts: what keeps one misbehaving client from taking the server down for
// everyone: bounds on connections, and a rate limit on posting. server.ts uses
// serverOptions(), listen() and allowSend(). Every figure can be changed with an
// environment variable (names below), e.g. CHAT_SEND_RATE=5 npx ts-node server.ts
import net from 'node:net';
import * as grpc from '@grpc/grpc-js';

export function setting(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}

export const LIMITS = {
  // A connection without any call for this long is closed; the client's channel
  // opens a new one when it next calls. An open Listen stream counts as a call.
  idleMs: setting('CHAT_IDLE_MS', 60_000),
  // Every 30 s the server pings each connection; a peer that does not answer in
  // 10 s is gone (pulled cable, sleeping laptop) and its streams end.
  keepaliveMs: setting('CHAT_KEEPALIVE_MS', 30_000),
  keepaliveTimeoutMs: setting('CHAT_KEEPALIVE_TIMEOUT_MS', 10_000),
  // After this age the server sends GOAWAY: new calls go over a new connection.
  // Calls already open (a Listen stream) are NOT cut: there is no grace limit,
  // because our clients do not reconnect a stream. A day is longer than a workshop.
  maxAgeMs: setting('CHAT_MAX_CONNECTION_AGE_MS', 24 * 60 * 60_000),
  // Open connections: from one address (one laptop), and in total.
  perAddress: setting('CHAT_MAX_CONNECTIONS_PER_ADDRESS', 100),
  total: setting('CHAT_MAX_CONNECTIONS', 2000),
  // Posting, per address: a burst of `sendBurst` messages, then `sendRate` a
  // second. Far above typing speed, far below what a thousand readers can take.
  sendRate: setting('CHAT_SEND_RATE', 20),
  sendBurst: setting('CHAT_SEND_BURST', 50),
  // Stages whose names belong to a connection (02 on): how many users at most,
  // and how long a new name waits for its owner's Listen stream before it lapses.
  maxUsers: setting('CHAT_MAX_USERS', 1000),
  nameLeaseMs: setting('CHAT_NAME_LEASE_MS', 5000),
};

// grpc-js does the idle, keepalive and age limits itself, given these options.
// (Servers in some languages also refuse clients that ping too often; grpc-js
// servers do not, so there is nothing to permit for our clients' pings.)
export function serverOptions(): grpc.ServerOptions {
  return {
    'grpc.max_connection_idle_ms': LIMITS.idleMs,
    'grpc.keepalive_time_ms': LIMITS.keepaliveMs,
    'grpc.keepalive_timeout_ms': LIMITS.keepaliveTimeoutMs,
    'grpc.max_connection_age_ms': LIMITS.maxAgeMs,
  };
}

// grpc-js has no option to cap connections, so we accept TCP connections
// ourselves (node:net), count them, and hand the ones we keep to grpc-js through
// a connection injector. Refused connections are closed at once.
const open = new Map<string, number>(); // address -> open connections
let total = 0;
const connections = new Map<string, net.Socket>(); // "address:port" (= call.getPeer()) -> socket

let refused = 0; // refusals not yet logged; we log at most once every 10 s
function logRefusal(): void {
  if (refused++ > 0) return;
  console.log(`Refusing connections: too many open (${LIMITS.perAddress} per address, ${LIMITS.total} in all)`);
  setTimeout(() => {
    if (refused > 1) console.log(`Refused ${refused - 1} more connections in the last 10 s`);
    refused = 0;
  }, 10_000).unref();
}

function admit(socket: net.Socket): boolean {
  const address = socket.remoteAddress ?? '?';
  const mine = open.get(address) ?? 0;
  if (mine >= LIMITS.perAddress || total >= LIMITS.total) return false;
  open.set(address, mine + 1);
  total++;
  const peer = `${address}:${socket.remotePort}`;
  connections.set(peer, socket);
  socket.once('close', () => {
    total--;
    const left = (open.get(address) ?? 1) - 1;
    if (left === 0) open.delete(address);
    else open.set(address, left);
    if (connections.get(peer) === socket) connections.delete(peer);
  });
  return true;
}

// Like server.bindAsync(`${host}:${port}`, credentials, ready), with the caps above.
export function listen(
  server: grpc.Server,
  host: string,
  port: number,
  credentials: grpc.ServerCredentials,
  ready: (error: Error | null, boundPort: number) => void,
): void {
  let injector: grpc.ConnectionInjector;
  try {
    injector = server.createConnectionInjector(credentials); // throws on a bad TLS key or certificate
  } catch (error) {
    ready(error as Error, 0);
    return;
  }
  const tcp = net.createServer((socket) => {
    socket.on('error', () => socket.destroy()); // a peer that resets: nothing to do
    if (admit(socket)) {
      injector.injectConnection(socket);
    } else {
      logRefusal();
      socket.destroy();
    }
  });
  tcp.once('error', (error) => ready(error, 0));
  tcp.listen(port, host.replace(/^\[(.*)\]$/, '$1'), () => {
    const address = tcp.address();
    ready(null, typeof address === 'object' && address ? address.port : port);
  });
}

// Run `then` when the connection a call came on closes (at once if it is gone).
// An identity granted on a connection must end with it: a later connection from
// the same address and port is somebody else. Returns a function that cancels it.
export function onDisconnect(peer: string, then: () => void): () => void {
  const socket = connections.get(peer);
  if (!socket || socket.destroyed) {
    queueMicrotask(then);
    return () => {};
  }
  socket.once('close', then);
  return () => socket.off('close', then);
}

// Token buckets for posting, one per address: each holds up to sendBurst tokens,
// refills at sendRate a second, and a message takes one.
const buckets = new Map<string, { tokens: number; at: number }>();

// The address of a call's peer: "1.2.3.4:5678" -> "1.2.3.4", "[::1]:5678" -> "[::1]".
export function addressOf(peer: string): string {
  return peer.replace(/:\d+$/, '');
}

// undefined: go ahead. Otherwise the error for the sender: RESOURCE_EXHAUSTED,
// with the wait in its text and in `grpc-retry-pushback-ms`, the trailer gRPC
// clients read as "retry after".
export function allowSend(peer: string): grpc.ServiceError | undefined {
  if (LIMITS.sendRate === 0) return undefined; // CHAT_SEND_RATE=0: no limit
  const now = Date.now();
  const key = addressOf(peer);
  const bucket = buckets.get(key) ?? { tokens: LIMITS.sendBurst, at: now };
  bucket.tokens = Math.min(LIMITS.sendBurst, bucket.tokens + ((now - bucket.at) / 1000) * LIMITS.sendRate);
  bucket.at = now;
  buckets.set(key, bucket);
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    if (buckets.size > 10_000) forgetFullBuckets(now);
    return undefined;
  }
  const waitMs = Math.ceil(((1 - bucket.tokens) / LIMITS.sendRate) * 1000);
  const metadata = new grpc.Metadata();
  metadata.set('grpc-retry-pushback-ms', String(waitMs));
  return Object.assign(new Error('sending too fast'), {
    code: grpc.status.RESOURCE_EXHAUSTED,
    details: `sending too fast: at most ${LIMITS.sendRate} messages a second; try again in ${waitMs} ms`,
    metadata,
  });
}

// A bucket that has refilled is the same as no bucket: drop those.
function forgetFullBuckets(now: number): void {
  for (const [key, bucket] of buckets) {
    if (bucket.tokens + ((now - bucket.at) / 1000) * LIMITS.sendRate >= LIMITS.sendBurst) buckets.delete(key);
  }
}
