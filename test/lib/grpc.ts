// A gRPC client built at run time from a stage folder's own .proto, with no generated
// code, so one test can call whatever service that folder defines.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { patience } from '../../lib/processes';

export type Fields = Record<string, unknown>;

export interface LoadOptions {
  enums?: typeof String | typeof Number; // Number shows enum values as they are on the wire
}

function isService(
  definition: protoLoader.AnyDefinition | undefined,
): definition is protoLoader.ServiceDefinition {
  return definition !== undefined && !('format' in definition);
}

export class RawClient {
  private readonly client: grpc.Client;
  private readonly methods: protoLoader.ServiceDefinition;

  constructor(protoPath: string, service: string, address: string, options: LoadOptions = {}) {
    const definition = protoLoader.loadSync(protoPath, {
      keepCase: true,
      longs: String,
      enums: options.enums ?? String,
      defaults: true,
      oneofs: true,
    });
    const methods = definition[service];
    if (!isService(methods)) throw new Error(`${protoPath} defines no service ${service}`);
    this.methods = methods;
    // A connection of its own (not shared with other clients in this process), so
    // each RawClient is a separate peer to the server, like a separate program.
    this.client = new grpc.Client(address, grpc.credentials.createInsecure(), {
      'grpc.use_local_subchannel_pool': 1,
    });
  }

  has(name: string): boolean {
    return name in this.methods;
  }

  private method(name: string): protoLoader.MethodDefinition<Fields, Fields> {
    const method = this.methods[name];
    if (!method) throw new Error(`the service has no method ${name}`);
    return method as protoLoader.MethodDefinition<Fields, Fields>;
  }

  unary(name: string, request: Fields, metadata = new grpc.Metadata()): Promise<Fields> {
    const m = this.method(name);
    const deadline = Date.now() + patience(0.5);
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(m.path, m.requestSerialize, m.responseDeserialize, request, metadata, { deadline },
        (error, response) => (error ? reject(error) : resolve(response ?? {})));
    });
  }

  serverStream(name: string, request: Fields, metadata = new grpc.Metadata()): grpc.ClientReadableStream<Fields> {
    const m = this.method(name);
    const stream = this.client.makeServerStreamRequest(m.path, m.requestSerialize, m.responseDeserialize, request, metadata);
    stream.on('error', () => {}); // tests read the status through helpers; never crash on it
    return stream;
  }

  bidiStream(name: string, metadata = new grpc.Metadata()): grpc.ClientDuplexStream<Fields, Fields> {
    const m = this.method(name);
    const stream = this.client.makeBidiStreamRequest(m.path, m.requestSerialize, m.responseDeserialize, metadata);
    stream.on('error', () => {});
    return stream;
  }

  close(): void {
    this.client.close();
  }
}

// The status a call failed with, or OK.
export async function statusOf(call: Promise<unknown>): Promise<{ code: grpc.status; details: string }> {
  try {
    await call;
    return { code: grpc.status.OK, details: '' };
  } catch (error) {
    const { code, details } = error as grpc.ServiceError;
    return { code, details };
  }
}

// Collects what a stream delivers, and how it ended.
export class Collector {
  readonly items: Fields[] = [];
  readonly ended: Promise<{ code: grpc.status; details: string }>;
  readonly started: Promise<void>; // response headers arrived: the server took the call
  private waiters: Array<() => void> = [];

  constructor(readonly stream: grpc.ClientReadableStream<Fields> | grpc.ClientDuplexStream<Fields, Fields>) {
    stream.on('data', (item: Fields) => {
      this.items.push(item);
      this.wake();
    });
    this.started = new Promise((resolve) => stream.once('metadata', () => resolve()));
    this.ended = new Promise((resolve) => {
      stream.on('status', (status: grpc.StatusObject) => {
        resolve({ code: status.code, details: status.details });
        this.wake();
      });
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }

  // Wait until `count` items have arrived (rejects after `ms`).
  waitForCount(count: number, ms = patience()): Promise<Fields[]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`got ${this.items.length} of ${count} items: ${JSON.stringify(this.items)}`)),
        ms,
      );
      const check = () => {
        if (this.items.length >= count) {
          clearTimeout(timer);
          resolve(this.items.slice(0, count));
        } else {
          this.waiters.push(check);
        }
      };
      check();
    });
  }
}
