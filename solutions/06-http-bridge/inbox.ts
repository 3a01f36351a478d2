// inbox.ts: the client's end of ReadMessages. It keeps one stream open (and
// reopens it when it breaks) and buffers what arrives until someone flushes it.
import * as grpc from '@grpc/grpc-js';
import { printable, reason, rfc3339, toNanos } from './common';
import type { Timestamp__Output } from './generated/google/protobuf/Timestamp';
import type { ChatMessage__Output } from './generated/messenger/ChatMessage';
import type { MessengerClient } from './generated/messenger/Messenger';

// A message as the HTTP API returns it.
export interface Received {
  author: string;
  text: string;
  sendTime: string;
}

const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 5000;
const HEADERS_WAIT_MS = 1000;

export class Inbox {
  private buffer: Received[] = [];
  private dropped = 0; // messages dropped from a full buffer since the last flush
  private last: Timestamp__Output | null = null; // send time of the newest message seen
  private lastNanos = -1n;
  private failures = 0; // failed attempts in a row, for the backoff
  private call?: grpc.ClientReadableStream<ChatMessage__Output>;
  private streaming = false; // the server has taken the current call
  private retry?: NodeJS.Timeout;
  private opening?: NodeJS.Timeout; // see connect()
  private closed = false;
  private waiters = new Set<{ nanos: bigint; done: () => void }>();

  constructor(private readonly stub: MessengerClient, private readonly address: string, private readonly limit: number) {}

  get open(): boolean {
    return this.streaming;
  }

  // Server-streaming call: one request, then a 'data' event per message. After a
  // break we pass the send time of the last message we got, so the server replays
  // what we missed in between: nothing is lost or delivered twice.
  connect(): void {
    const stream = this.stub.ReadMessages({ after: this.last });
    this.call = stream;
    // The server took the call. A grpc-js server says so at once with its response
    // headers; a Go server sends them only with the first message, which may be
    // long in coming. So the stream counts as open at its headers, its first
    // message, or after HEADERS_WAIT_MS, whichever comes first.
    const from = this.last ? ` (resuming after ${rfc3339(this.last)})` : '';
    const opened = () => {
      clearTimeout(this.opening);
      if (this.streaming || this.call !== stream) return;
      this.failures = 0; // reset the backoff
      this.streaming = true;
      console.log(`Read stream open at ${this.address}${from}`);
    };
    stream.once('metadata', opened);
    this.opening = setTimeout(opened, HEADERS_WAIT_MS);
    stream.on('data', (message: ChatMessage__Output) => {
      opened();
      this.take(message);
    });
    // Every call ends with a status: OK, or an error code such as UNAVAILABLE when
    // the server goes away. grpc-js also emits a non-OK status as an 'error' event,
    // which would crash the process if nothing listened to it; 'status' tells us
    // the same, and also covers a server that ends the stream with OK.
    stream.on('error', () => {});
    stream.on('status', (status: grpc.StatusObject) => {
      clearTimeout(this.opening);
      if (this.closed) return; // we cancelled it ourselves, on the way out
      const what = this.streaming ? 'Lost the read stream from' : 'Cannot open the read stream at';
      this.streaming = false;
      this.releaseWaiters();
      // Exponential backoff with jitter: wait longer after each failure, up to a
      // cap, so a server coming back up is not hammered by every client at once.
      const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** this.failures) * (0.8 + 0.4 * Math.random());
      this.failures += 1;
      const why = `${grpc.status[status.code]}: ${reason(status.details)}`;
      console.log(`${what} ${this.address} (${why}); reconnecting in ${(delay / 1000).toFixed(1)} s`);
      this.retry = setTimeout(() => this.connect(), delay);
    });
  }

  private take(message: ChatMessage__Output): void {
    // send_time is always set by our server; a null from another one counts as 0.
    const time = message.send_time ?? { seconds: '0', nanos: 0 };
    const received = { author: message.author, text: message.text, sendTime: rfc3339(time) };
    console.log(`[${received.sendTime}] ${printable(received.author)}: ${printable(received.text)}`);
    this.buffer.push(received);
    if (this.buffer.length > this.limit) {
      this.buffer.shift();
      if (this.dropped === 0) {
        console.log(`Buffer full (${this.limit} messages): dropping the oldest until the next flush`);
      }
      this.dropped += 1;
    }
    this.last = time;
    this.lastNanos = toNanos(time);
    for (const waiter of this.waiters) if (waiter.nanos <= this.lastNanos) waiter.done();
  }

  // Everything buffered, oldest first; the buffer is empty afterwards.
  flush(): Received[] {
    const messages = this.buffer;
    this.buffer = [];
    if (this.dropped > 0) console.log(`${this.dropped} messages were dropped from the full buffer before this flush`);
    this.dropped = 0;
    return messages;
  }

  // Resolve once the stream has delivered the message sent at `nanos` (at most
  // `ms` later). The server writes a message to the streams before it answers the
  // send, so this is normally at once; it lets a client that has just sent a
  // message find it in its own buffer straight away.
  waitUntilSeen(nanos: bigint, ms: number): Promise<void> {
    if (!this.open || this.lastNanos >= nanos) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter = {
        nanos,
        done: () => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve();
        },
      };
      const timer = setTimeout(waiter.done, ms);
      this.waiters.add(waiter);
    });
  }

  private releaseWaiters(): void {
    for (const waiter of this.waiters) waiter.done();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retry);
    clearTimeout(this.opening);
    this.releaseWaiters();
    this.call?.cancel(); // ends the call: the server sees 'cancelled'
  }
}
