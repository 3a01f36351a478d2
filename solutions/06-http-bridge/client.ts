// client.ts: a messenger client that is itself an HTTP service. It keeps a
// ReadMessages stream open, buffers what arrives, and serves the HTTP API in
// http-api.ts. Start it with `npx ts-node client.ts [--server host:port] [--port N]`.
import readline from 'node:readline';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { isAddress, isPort, loadMessengerProto, readSettings, reason, rfc3339, toNanos } from './common';
import { createHttpApi, type SendResult } from './http-api';
import { Inbox } from './inbox';

const USAGE = [
  'Usage: npx ts-node client.ts [--server host:port] [--port N] [--buffer N]',
  '  --server  the messenger server (default $MESSENGER_SERVER_ADDR, else localhost:51075)',
  '  --port    the HTTP port to serve (default $MESSENGER_HTTP_PORT, else 8080; 0 picks a free port)',
  '  --buffer  how many received messages to keep until a flush (default 10000)',
].join('\n');
const SEND_DEADLINE_MS = 5000;

const settings = readSettings(USAGE, {
  server: { env: 'MESSENGER_SERVER_ADDR', fallback: 'localhost:51075', valid: isAddress },
  port: { env: 'MESSENGER_HTTP_PORT', fallback: '8080', valid: isPort },
  buffer: { fallback: '10000', valid: (value) => /^[1-9]\d{0,6}$/.test(value) },
});
const address = settings.server;
const proto = loadMessengerProto();

// The stub and its channel. grpc-js reconnects a broken channel by itself, waiting
// longer after each failed attempt (up to 2 minutes by default); we cap that wait
// at 5 s so the client notices a restarted server soon.
const stub = new proto.messenger.Messenger(address, grpc.credentials.createInsecure(), {
  'grpc.initial_reconnect_backoff_ms': 250,
  'grpc.max_reconnect_backoff_ms': 5000,
});
const inbox = new Inbox(stub, address, Number(settings.buffer));

// Unary call with a deadline. It fails at once with UNAVAILABLE when the channel
// has no connection (calls are "fail fast" unless you ask for waitForReady).
function send(author: string, text: string): Promise<SendResult> {
  return new Promise((resolve) => {
    stub.SendMessage({ author, text }, { deadline: Date.now() + SEND_DEADLINE_MS }, (error, response) => {
      if (error) {
        // INVALID_ARGUMENT: the server refused the message (empty, too long): the
        // caller's fault. Anything else (UNAVAILABLE, DEADLINE_EXCEEDED): ours.
        if (error.code === grpc.status.INVALID_ARGUMENT) resolve({ status: 400, error: error.details });
        else resolve({ status: 503, error: `messenger server at ${address}: ${reason(error.details)}` });
        return;
      }
      // With `defaults: true` a message field that was not sent reads as null.
      const time = response?.send_time ?? { seconds: '0', nanos: 0 };
      // Our own message comes back through our read stream: wait (briefly) until it
      // has, so a flush right after this send finds it in the buffer.
      void inbox.waitUntilSeen(toNanos(time), 1000).then(() => resolve({ sendTime: rfc3339(time) }));
    });
  });
}

const http = createHttpApi({ send, flush: () => inbox.flush() });

function quit(): void {
  console.log('Shutting down');
  inbox.close();
  stub.close();
  http.close();
  http.closeAllConnections();
  process.exit(0);
}
process.once('SIGINT', quit);
process.once('SIGTERM', quit);

// Standard input: the HTTP API is the main way in, but a line `author: text` sends
// a message too. Ctrl+D on a terminal quits; the end of a pipe (or no input at
// all, as when started in the background) does not: the client keeps serving.
async function readInput(): Promise<void> {
  const lines = readline.createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    const match = /^([^:]+):\s?(.*)$/.exec(line);
    if (!match) {
      console.log('To send a message from here, type "author: text", e.g. "Ivan: hey"');
      continue;
    }
    const result = await send(match[1].trim(), match[2]);
    console.log('error' in result ? `Not sent: ${result.error}` : `Sent at ${result.sendTime}`);
  }
  if (process.stdin.isTTY) quit();
  else console.log('Standard input closed; still serving HTTP (Ctrl+C or SIGTERM stops the client)');
}

inbox.connect(); // the read stream opens right away, before any HTTP request
http.on('error', (error: NodeJS.ErrnoException) => {
  console.error(
    error.code === 'EADDRINUSE'
      ? `Port ${settings.port} is already in use — is another client running? Use --port or MESSENGER_HTTP_PORT to pick another.`
      : `Cannot serve HTTP on port ${settings.port}: ${error.message}`,
  );
  process.exit(1);
});
// 0.0.0.0: every network interface, like the server (the course runs each part in
// its own container). Nothing here checks who is calling: keep it off open networks.
http.listen(Number(settings.port), '0.0.0.0', () => {
  console.log(`HTTP listening on 0.0.0.0:${(http.address() as AddressInfo).port}`);
  void readInput();
});
