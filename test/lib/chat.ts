// What the chat suites do over and over, bound to one test so that everything it
// starts is stopped when that test ends.
import fs from 'node:fs';
import path from 'node:path';
import type { Test } from 'tap';
import { RawClient, type LoadOptions } from './grpc';
import { Proc, startClient, startServer } from '../../lib/processes';
import { ROOT } from '../../lib/stages';

export const CONNECTED = /Type a message/;
export const ASKED_NAME = /Pick a username/;

// A client built from a contract of the Python workshop (test/fixtures/python-workshop).
export const pythonProto = (stage: string) => path.join(ROOT, 'test/fixtures/python-workshop', `${stage}.proto`);

export function chat(t: Test, dir: string) {
  return {
    async server(env?: NodeJS.ProcessEnv) {
      const started = await startServer(dir, [], env);
      t.teardown(() => started.server.stop());
      return started;
    },

    client(address: string, name = 'client', args: string[] = []): Proc {
      const client = startClient(dir, ['--host', address, ...args], name);
      t.teardown(() => client.stop());
      return client;
    },

    // A client of 01-chat: connected and ready for input.
    async connect(address: string, name = 'client'): Promise<Proc> {
      const client = this.client(address, name);
      await client.waitFor(CONNECTED);
      return client;
    },

    // A client of a stage with usernames: it answers the name prompt and is in the chat.
    async joinAs(address: string, username: string): Promise<Proc> {
      const client = this.client(address, username);
      await client.waitFor(ASKED_NAME);
      client.send(username);
      await client.waitFor(CONNECTED);
      return client;
    },

    // Whichever the stage has: a client with a username, or one without.
    async member(address: string, username: string): Promise<Proc> {
      // The folder's own contract, not the registry: under `npm run check` a starter
      // checked against 01-add-user has no usernames yet, and what it does already
      // should still pass.
      const hasUsers = fs.readFileSync(path.join(dir, 'chat.proto'), 'utf8').includes('rpc AddUser');
      return hasUsers ? this.joinAs(address, username) : this.connect(address, username);
    },

    raw(address: string, protoPath = path.join(dir, 'chat.proto'), options?: LoadOptions): RawClient {
      const client = new RawClient(protoPath, 'chat.Chat', address, options);
      t.teardown(() => client.close());
      return client;
    },
  };
}
