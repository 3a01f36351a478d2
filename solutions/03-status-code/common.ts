// common.ts: what server.ts and client.ts both need.
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from './generated/chat';

// grpc-js logs some failures itself before it hands them to our code, which says
// what went wrong in its own words (a port in use: "E No address added out of
// total 1 resolved"). Its log is for debugging: GRPC_VERBOSITY=DEBUG shows it.
if (process.env.GRPC_VERBOSITY === undefined) grpc.setLogVerbosity(grpc.logVerbosity.NONE);

// Load chat.proto at run time. grpc-js turns it into a client class (proto.chat.Chat)
// and a service definition (proto.chat.Chat.service) for the server. The types in
// ./generated describe exactly what this returns; they are made with the same options,
// so regenerate them whenever you edit chat.proto (see README.md).
export function loadChatProto(): ProtoGrpcType {
  const definition = protoLoader.loadSync(path.join(__dirname, 'chat.proto'), {
    keepCase: true, // field names as written in the .proto
    longs: String,
    enums: String,
    defaults: true, // missing fields arrive as their default ('' for strings)
    oneofs: true,
  });
  return grpc.loadPackageDefinition(definition) as unknown as ProtoGrpcType;
}

// Read the one `--name value` flag a program takes. Anything else prints the
// usage line and exits with code 2; --help prints it and exits with 0.
export function readFlag(name: string, fallback: string, usage: string, valid: RegExp): string {
  let values;
  try {
    ({ values } = parseArgs({
      options: { [name]: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const value = values[name] ?? fallback;
  if (typeof value !== 'string' || !valid.test(value)) {
    console.error(`Invalid --${name} ${String(value)}\n${usage}`);
    process.exit(2);
  }
  return value;
}
