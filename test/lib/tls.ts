// A self-signed certificate for TLS tests, made with the selfsigned package (no
// openssl): valid for localhost, 127.0.0.1 and ::1.
import fs from 'node:fs';
import path from 'node:path';
import selfsigned from 'selfsigned';

export async function writeCertificate(dir: string): Promise<{ cert: string; key: string }> {
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }, { type: 7, ip: '::1' }] },
    ],
  });
  const files = { cert: path.join(dir, 'cert.pem'), key: path.join(dir, 'key.pem') };
  fs.writeFileSync(files.cert, pems.cert);
  fs.writeFileSync(files.key, pems.private);
  return files;
}
