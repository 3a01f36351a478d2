// The end of ./setup.sh: prove the toolchain works by running the 01-chat app for real.
import path from 'node:path';
import { startClient, startServer, type Proc } from '../lib/processes';

async function main(): Promise<void> {
  const dir = path.resolve(__dirname, '..', '01-chat');
  const started: Proc[] = [];
  try {
    const { server, address } = await startServer(dir);
    started.push(server);
    console.log(`  server started on ${address}`);
    const client = startClient(dir, ['--host', address]);
    started.push(client);
    await client.waitFor('Type a message');
    console.log('  client connected');
    client.send('setup check');
    await client.waitFor('>>> setup check');
    console.log('  message sent and received back');
  } finally {
    await Promise.all(started.map((proc) => proc.stop()));
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
