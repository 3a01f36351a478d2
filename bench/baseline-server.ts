// baseline-server.ts: the bench's yardstick. It serves the same chat.Chat contract
// as a stage (read from that stage's chat.proto), so the same load process drives
// it, but it has no chat logic at all: SendMessage writes the request to every
// open Listen stream, and any other unary call (AddUser) just succeeds. What it
// manages is about the most grpc-js can do on this machine; the bench reports a
// stage's deliveries per second as a fraction of it.
//   npx ts-node bench/baseline-server.ts --stage-dir <folder> [--port N]
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import { loadContract } from './contract';

type Fields = Record<string, unknown>;
const USAGE = 'Usage: npx ts-node bench/baseline-server.ts --stage-dir <folder> [--port N]';

function options(): { stageDir: string; port: number } {
  try {
    const { values } = parseArgs({ options: { 'stage-dir': { type: 'string' }, port: { type: 'string' } } });
    const port = values.port ?? '0';
    if (values['stage-dir'] && /^\d{1,5}$/.test(port)) return { stageDir: values['stage-dir'], port: Number(port) };
  } catch {
    // an unknown flag: fall through to the usage line
  }
  console.error(USAGE);
  process.exit(2);
}

const { stageDir, port } = options();
const { service } = loadContract(stageDir);

const streams = new Set<grpc.ServerWritableStream<Fields, Fields>>();
const implementation: grpc.UntypedServiceImplementation = {};
for (const [name, method] of Object.entries(service)) {
  if (method.responseStream) {
    // Listen: keep the stream until the client goes.
    implementation[name] = (call: grpc.ServerWritableStream<Fields, Fields>) => {
      streams.add(call);
      call.sendMetadata(new grpc.Metadata());
      call.on('error', () => {}); // a client that vanished is not our problem here
      call.on('cancelled', () => streams.delete(call));
    };
  } else if (name === 'SendMessage') {
    implementation[name] = (call: grpc.ServerUnaryCall<Fields, Fields>, callback: grpc.sendUnaryData<Fields>) => {
      for (const stream of streams) stream.write(call.request);
      callback(null, {});
    };
  } else {
    implementation[name] = (_call: grpc.ServerUnaryCall<Fields, Fields>, callback: grpc.sendUnaryData<Fields>) =>
      callback(null, {});
  }
}

const server = new grpc.Server();
server.addService(service, implementation);

function stop(): void {
  server.forceShutdown();
  process.exit(0);
}
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

// Loopback only: the bench never needs the network.
server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (error, boundPort) => {
  if (error) {
    console.error(`Cannot listen on port ${port}: ${error.message}`);
    process.exit(1);
  }
  console.log(`Server listening on 127.0.0.1:${boundPort}`);
});
