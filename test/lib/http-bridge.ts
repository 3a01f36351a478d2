// Helpers for the HTTP bridge suite (solutions/06-http-bridge): its client is an
// HTTP service, so tests talk to it with fetch, and a TCP proxy lets a test break
// the client's connection to the server without stopping the server.
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Test } from 'tap';
import { patience, Proc, startClient } from '../../lib/processes';

export interface Reply {
  status: number;
  body: unknown;
}

// A message as the bridge returns it from /getAndFlushMessages.
export interface Posted {
  author: string;
  text: string;
  sendTime: string;
}

export const RFC3339_NANOS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/;

export class Bridge {
  constructor(readonly proc: Proc, readonly url: string) {}

  async request(method: string, path: string, body?: string | object): Promise<Reply> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      body: typeof body === 'object' ? JSON.stringify(body) : body,
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
  }

  // POST /sendMessage and return the sendTime; fails unless the bridge says 200.
  async send(author: string, text: string): Promise<string> {
    const reply = await this.request('POST', '/sendMessage', { author, text });
    const body = reply.body as { sendTime: string; error: null };
    if (reply.status !== 200) throw new Error(`sendMessage answered ${reply.status}: ${JSON.stringify(body)}`);
    return body.sendTime;
  }

  async flush(): Promise<Posted[]> {
    const reply = await this.request('POST', '/getAndFlushMessages');
    if (reply.status !== 200) throw new Error(`getAndFlushMessages answered ${reply.status}`);
    return reply.body as Posted[];
  }

  // Flush until `count` messages have come (another client's may still be on
  // their way), then return them. Rejects after `ms` with what did come.
  async collect(count: number, ms = patience()): Promise<Posted[]> {
    const got: Posted[] = [];
    const until = Date.now() + ms;
    for (;;) {
      got.push(...(await this.flush()));
      if (got.length >= count) return got;
      if (Date.now() > until) throw new Error(`${this.proc.name}: got ${got.length} of ${count}: ${JSON.stringify(got)}`);
      await sleep(25); // polling interval, not an assertion
    }
  }

  // Flush until a message with `text` arrives; return everything up to and with it.
  async collectUntil(text: string, ms = patience()): Promise<Posted[]> {
    const got: Posted[] = [];
    const until = Date.now() + ms;
    for (;;) {
      got.push(...(await this.flush()));
      if (got.some((message) => message.text === text)) return got;
      if (Date.now() > until) throw new Error(`${this.proc.name}: no "${text}" in ${JSON.stringify(got)}`);
      await sleep(25);
    }
  }
}

const HTTP_LISTENING = /HTTP listening on \S+:(\d+)/;
export const STREAM_OPEN = 'Read stream open at';

// Start a bridge client on a free HTTP port; resolves once it serves HTTP and (unless
// `connected` is false) its read stream is open.
export async function startBridge(
  t: Test,
  dir: string,
  server: string,
  { name = 'bridge', args = [] as string[], env = {} as NodeJS.ProcessEnv, connected = true } = {},
): Promise<Bridge> {
  const proc = startClient(dir, ['--port', '0', '--server', server, ...args], name, env);
  t.teardown(() => proc.stop());
  return ready(proc, connected);
}

export async function ready(proc: Proc, connected = true): Promise<Bridge> {
  const line = await proc.waitFor(HTTP_LISTENING);
  if (connected) await proc.waitFor(STREAM_OPEN);
  return new Bridge(proc, `http://127.0.0.1:${HTTP_LISTENING.exec(line)?.[1]}`);
}

// A TCP proxy to localhost:target. cut() drops every connection and refuses new
// ones until restore(): to the client it looks like a network failure, while the
// server keeps running and keeps taking messages from others.
export class Proxy {
  private readonly sockets = new Set<net.Socket>();
  private refusing = false;
  private readonly server: net.Server;

  private constructor(target: number) {
    this.server = net.createServer((incoming) => {
      if (this.refusing) {
        incoming.destroy();
        return;
      }
      const outgoing = net.connect(target, '127.0.0.1');
      for (const [a, b] of [[incoming, outgoing], [outgoing, incoming]]) {
        this.sockets.add(a);
        a.pipe(b);
        a.on('error', () => b.destroy());
        a.on('close', () => {
          this.sockets.delete(a);
          b.destroy();
        });
      }
    });
  }

  static async start(t: Test, target: number): Promise<Proxy> {
    const proxy = new Proxy(target);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    t.teardown(() => proxy.close());
    return proxy;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  cut(): void {
    this.refusing = true;
    for (const socket of this.sockets) socket.destroy();
  }

  restore(): void {
    this.refusing = false;
  }

  close(): void {
    this.cut();
    this.server.close();
  }
}
