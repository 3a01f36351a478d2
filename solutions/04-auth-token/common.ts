// common.ts: what server.ts and client.ts both need.
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from './generated/chat';
import type { Timestamp, Timestamp__Output } from './generated/google/protobuf/Timestamp';

// grpc-js logs some failures itself before it hands them to our code, which says
// what went wrong in its own words (a port in use: "E No address added out of
// total 1 resolved"). Its log is for debugging: GRPC_VERBOSITY=DEBUG shows it.
if (process.env.GRPC_VERBOSITY === undefined) grpc.setLogVerbosity(grpc.logVerbosity.NONE);

// The metadata header that carries the session token on a Stream call. Metadata
// keys are lower case on the wire (HTTP/2 headers), so use lower case everywhere.
export const TOKEN_HEADER = 'x-chat-token';
export const MAX_MESSAGE_BYTES = 4096; // the longest chat message anyone may send

// Load chat.proto at run time. It imports google/protobuf/timestamp.proto, which we
// do not ship: protobufjs, under the loader, carries the well-known types itself.
// The options match the flags the types in ./generated were made with.
export function loadChatProto(): ProtoGrpcType {
  const definition = protoLoader.loadSync(path.join(__dirname, 'chat.proto'), {
    keepCase: true, // field names as written in the .proto
    longs: String, // int64 fields (like Timestamp.seconds) arrive as strings
    enums: String,
    defaults: true, // missing scalar fields arrive as their default ('' for strings)
    oneofs: true, // a oneof arrives with a field naming its member: event: 'client_login'
  });
  return grpc.loadPackageDefinition(definition) as unknown as ProtoGrpcType;
}

// A google.protobuf.Timestamp for a moment: whole seconds (an int64, which we
// write as a string) plus the rest in nanoseconds.
export function toTimestamp(date: Date): Timestamp {
  const ms = date.getTime();
  return { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 };
}

export function fromTimestamp(timestamp: Timestamp__Output): Date {
  return new Date(Number(timestamp.seconds) * 1000 + Math.floor(timestamp.nanos / 1_000_000));
}

// "[03:04:05 PM]" in local time, the way the reference implementation stamps lines.
export function clock(date = new Date()): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const hours = date.getHours();
  return `[${two(hours % 12 || 12)}:${two(date.getMinutes())}:${two(date.getSeconds())} ${hours < 12 ? 'AM' : 'PM'}]`;
}

// Command-line flags. Unknown or malformed flags (and stray words) print the usage
// line and exit with 2; --help prints it and exits with 0.
type Options = NonNullable<ParseArgsConfig['options']>;
export function readFlags<O extends Options>(options: O, usage: string) {
  if (process.argv.slice(2).includes('--help')) {
    console.log(usage);
    process.exit(0);
  }
  try {
    return parseArgs({ options, strict: true }).values;
  } catch (error) {
    return usageError((error as Error).message, usage);
  }
}

export function usageError(problem: string, usage: string): never {
  console.error(`${problem}\n${usage}`);
  process.exit(2);
}

// host:port, or [ipv6]:port.
export const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+):(\d{1,5})$/;
