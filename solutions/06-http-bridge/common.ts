// common.ts: what server.ts and the client modules both need.
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from './generated/messenger';
import type { Timestamp, Timestamp__Output } from './generated/google/protobuf/Timestamp';

// grpc-js logs some failures itself before it hands them to our code, which says
// what went wrong in its own words (a port in use: "E No address added out of
// total 1 resolved"). Its log is for debugging: GRPC_VERBOSITY=DEBUG shows it.
if (process.env.GRPC_VERBOSITY === undefined) grpc.setLogVerbosity(grpc.logVerbosity.NONE);

// Load messenger.proto at run time (see 01-chat's common.ts for the options).
// Its `import "google/protobuf/timestamp.proto"` needs no include path: protobufjs
// ships the well-known types. Your own imports would need `includeDirs`.
export function loadMessengerProto(): ProtoGrpcType {
  const definition = protoLoader.loadSync(path.join(__dirname, 'messenger.proto'), {
    keepCase: true,
    longs: String, // int64 fields such as Timestamp.seconds arrive as strings
    enums: String,
    defaults: true, // an unset message field (ReadRequest.after) arrives as null
    oneofs: true,
  });
  return grpc.loadPackageDefinition(definition) as unknown as ProtoGrpcType;
}

// One setting of a program: a `--flag value`, else an environment variable, else a default.
export interface Setting {
  env?: string;
  fallback: string;
  valid: (value: string) => boolean;
}

// Read the settings. The flag wins over the environment. Anything malformed prints
// the usage and exits with code 2; --help prints it and exits with 0.
export function readSettings<Name extends string>(usage: string, settings: Record<Name, Setting>): Record<Name, string> {
  const names = Object.keys(settings) as Name[];
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        ...Object.fromEntries(names.map((name) => [name, { type: 'string' as const }])),
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const result = {} as Record<Name, string>;
  for (const name of names) {
    const { env, fallback, valid } = settings[name];
    const flag = values[name];
    const fromEnv = env === undefined ? undefined : process.env[env];
    const value = typeof flag === 'string' ? flag : fromEnv ?? fallback;
    if (!valid(value)) {
      const where = typeof flag === 'string' ? `--${name} ${flag}` : `${env}=${value}`;
      console.error(`Invalid ${where}\n${usage}`);
      process.exit(2);
    }
    result[name] = value;
  }
  return result;
}

export const isPort = (value: string): boolean => /^\d{1,5}$/.test(value) && Number(value) <= 65535;
export const isAddress = (value: string): boolean => /^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+):\d{1,5}$/.test(value);

// google.protobuf.Timestamp <-> nanoseconds since 1970 as a bigint, which compares
// exactly (a JavaScript number has only about 16 significant digits; this needs 19).
export function toNanos(time: Timestamp__Output): bigint {
  return BigInt(time.seconds) * 1_000_000_000n + BigInt(time.nanos);
}
export function fromNanos(nanos: bigint): Timestamp {
  return { seconds: String(nanos / 1_000_000_000n), nanos: Number(nanos % 1_000_000_000n) };
}

// RFC 3339 in UTC with all nine fractional digits, e.g. 2021-09-12T10:25:22.454093428Z.
// Fixed width, so comparing two of these strings compares the times.
export function rfc3339(time: Timestamp__Output): string {
  const wholeSeconds = new Date(Number(time.seconds) * 1000).toISOString().slice(0, 19);
  return `${wholeSeconds}.${String(time.nanos).padStart(9, '0')}Z`;
}

// Network text goes through this before it reaches a terminal: control characters
// (escape sequences, carriage returns, bidi overrides) are shown as text, so nobody
// can clear, recolour or fake lines on the screen. (JSON over HTTP escapes them itself.)
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) =>
    c <= '\u00ff' ? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}` : `\\u${c.charCodeAt(0).toString(16)}`,
  );
}

// A gRPC error's details for a log line or an HTTP answer. grpc-js ends its
// connection errors with an empty "Resolution note: "; leave that out.
export function reason(details: string): string {
  return details.replace(/\s*Resolution note: $/, '');
}
