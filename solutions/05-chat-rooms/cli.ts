// cli.ts: command-line plumbing shared by server.ts, client.ts and describe.ts.
// Nothing here knows about chat.proto: describe.ts must work without it.
import fs from 'node:fs';
import * as grpc from '@grpc/grpc-js';

export const HOST_PATTERN = /^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+):\d{1,5}$/;

// Run a parseArgs call. A flag it does not know, or a value it cannot read,
// prints the usage line and exits with code 2; --help prints it and exits 0.
export function parseFlags<R extends { values: { help?: boolean } }>(parse: () => R, usage: string): R['values'] {
  let values: R['values'];
  try {
    ({ values } = parse());
  } catch (error) {
    usageError((error as Error).message, usage);
  }
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  return values;
}

export function usageError(problem: string, usage: string): never {
  console.error(`${problem}\n${usage}`);
  process.exit(2);
}

// One clear line on stderr, and exit 1: how every program here reports a failure.
export function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

// The contents of a file named on the command line (a certificate, a key).
export function readFlagFile(flag: string, file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    return fail(`Cannot read the ${flag} file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

// How a client connects. Plaintext by default, as in every stage of this workshop.
// With TLS the server proves who it is with a certificate: `ca` is the certificate
// (of an authority, or self-signed) that we trust to have signed it; without one,
// grpc-js trusts the usual public authorities, as a browser does.
export function channelCredentials(tls: boolean, ca?: string): grpc.ChannelCredentials {
  if (!tls && ca === undefined) return grpc.credentials.createInsecure();
  return grpc.credentials.createSsl(ca === undefined ? null : readFlagFile('--ca', ca));
}

// Network text goes through this before it reaches the terminal: control characters
// (escape sequences, carriage returns, bidi overrides) are shown as text, so nobody
// can clear, recolour or fake lines on someone else's screen.
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) =>
    c <= '\u00ff' ? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}` : `\\u${c.charCodeAt(0).toString(16)}`,
  );
}

// A status code as its name (NOT_FOUND rather than 5), for messages people read.
export function statusName(code: grpc.status): string {
  return grpc.status[code] ?? String(code);
}
