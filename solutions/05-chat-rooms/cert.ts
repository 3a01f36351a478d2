// cert.ts: make a self-signed certificate and its private key, to try TLS on your
// own machine: `npx ts-node cert.ts [--dir DIR]` writes DIR/cert.pem and DIR/key.pem.
// It is valid for the names clients use to reach a server here: localhost,
// 127.0.0.1 and ::1. No openssl needed: the selfsigned package does the work.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import selfsigned from 'selfsigned';
import { fail, parseFlags } from './cli';

const USAGE = 'Usage: npx ts-node cert.ts [--dir DIR]  (default: this folder; writes cert.pem and key.pem)';
const DAYS = 30;

const flags = parseFlags(
  () => parseArgs({ options: { dir: { type: 'string', default: '.' }, help: { type: 'boolean', short: 'h' } } }),
  USAGE,
);

async function main(): Promise<void> {
  const now = new Date();
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: now,
    notAfterDate: new Date(now.getTime() + DAYS * 24 * 60 * 60 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      // Subject alternative names: the names a client may connect to. TLS clients
      // check these (not the common name): type 2 is a DNS name, type 7 an IP address.
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  const cert = path.join(flags.dir, 'cert.pem');
  const key = path.join(flags.dir, 'key.pem');
  try {
    fs.writeFileSync(cert, pems.cert);
    fs.writeFileSync(key, pems.private, { mode: 0o600 }); // the key is a secret: only you may read it
  } catch (error) {
    fail(`Cannot write to ${flags.dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  console.log(`Wrote ${cert} and ${key} (valid ${DAYS} days for localhost, 127.0.0.1 and ::1)`);
}

void main().catch((error: Error) => fail(`cert.ts: ${error.message}`));
