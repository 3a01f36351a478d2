// http-api.ts: the HTTP side of the client, with node:http only.
//   POST /sendMessage          {"author": "...", "text": "..."} -> {"sendTime": "...", "error": null}
//   POST /getAndFlushMessages  -> [{"author", "text", "sendTime"}, ...], oldest first
//   GET anything               -> 200, so scripts can wait for the port
import http from 'node:http';
import type { Received } from './inbox';

// What a send ends with: the server's time for it, or an HTTP status and a reason.
export type SendResult = { sendTime: string } | { status: 400 | 503; error: string };

export interface Bridge {
  send(author: string, text: string): Promise<SendResult>;
  flush(): Received[];
}

const MAX_BODY_BYTES = 64 * 1024;
const ENDPOINTS = ['POST /sendMessage', 'POST /getAndFlushMessages'];

function reply(res: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
  res.end(`${JSON.stringify(body)}\n`);
}

// The whole request body, or undefined if it is larger than MAX_BODY_BYTES. A too
// large body is read to its end but not kept, so the client still gets our answer.
function readBody(req: http.IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size <= MAX_BODY_BYTES ? Buffer.concat(chunks).toString('utf8') : undefined));
    req.on('error', reject); // the client went away mid-request
  });
}

// {"author": "...", "text": "..."} or the reason it is not. Other fields are ignored.
function parseSend(body: string): { author: string; text: string } | string {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return 'the body is not valid JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'the body must be a JSON object: {"author": "...", "text": "..."}';
  }
  const { author, text } = value as Record<string, unknown>;
  if (typeof author !== 'string') return '"author" must be a string';
  if (typeof text !== 'string') return '"text" must be a string';
  return { author, text };
}

async function sendMessage(bridge: Bridge, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const body = await readBody(req);
  if (body === undefined) {
    reply(res, 413, { sendTime: null, error: `the body is larger than ${MAX_BODY_BYTES} bytes` });
    return;
  }
  const request = parseSend(body);
  if (typeof request === 'string') {
    reply(res, 400, { sendTime: null, error: request });
    return;
  }
  const result = await bridge.send(request.author, request.text);
  if ('error' in result) reply(res, result.status, { sendTime: null, error: result.error });
  else reply(res, 200, { sendTime: result.sendTime, error: null });
}

async function getAndFlushMessages(bridge: Bridge, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  // Any body is ignored, but it must be read (and bounded) like any other.
  if ((await readBody(req)) === undefined) {
    reply(res, 413, { error: `the body is larger than ${MAX_BODY_BYTES} bytes` });
    return;
  }
  reply(res, 200, bridge.flush());
}

const ROUTES: Record<string, typeof sendMessage> = {
  '/sendMessage': sendMessage,
  '/getAndFlushMessages': getAndFlushMessages,
};

async function handle(bridge: Bridge, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method === 'GET' || req.method === 'HEAD') {
    reply(res, 200, { service: 'messenger HTTP bridge', endpoints: ENDPOINTS });
    return;
  }
  const route = Object.hasOwn(ROUTES, path) ? ROUTES[path] : undefined;
  if (!route) {
    reply(res, 404, { error: `no such endpoint: ${req.method} ${path}; try ${ENDPOINTS.join(' or ')}` });
  } else if (req.method !== 'POST') {
    reply(res, 405, { error: `${path} takes POST, not ${req.method}` }, { Allow: 'POST' });
  } else {
    await route(bridge, req, res);
  }
}

export function createHttpApi(bridge: Bridge): http.Server {
  const server = http.createServer((req, res) => {
    handle(bridge, req, res).catch(() => res.destroy()); // only a vanished client gets here
  });
  server.requestTimeout = 15_000; // a request must arrive whole within 15 s
  return server;
}
