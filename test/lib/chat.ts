// What the chat suites do over and over, bound to one test so that everything it
// starts is stopped when that test ends.
import fs from 'node:fs';
import path from 'node:path';
import type { Test } from 'tap';
import { RawClient, type LoadOptions } from './grpc';
import { Proc, onScreen, startClient, startServer } from '../../lib/processes';
import { ROOT } from '../../lib/stages';

export const CONNECTED = /Type a message/;
export const ASKED_NAME = /Pick a username/;
export const TAKEN = 'Username taken, please choose another.';

// A client built from a contract of the Python workshop (test/fixtures/python-workshop).
export const pythonProto = (stage: string) => path.join(ROOT, 'test/fixtures/python-workshop', `${stage}.proto`);

// Resolves once the client asks for a name for the `times`th time. A question
// counts once however often it is redrawn: the earlier ones must have ended
// their line (prompts ends it when the answer is submitted).
export async function asked(proc: Proc, times: number): Promise<void> {
  let from = 0;
  for (let i = 1; i < times; i++) {
    await proc.waitFor(ASKED_NAME, { from, ended: true });
    from = proc.lines.findIndex((line, index) => index >= from && ASKED_NAME.test(onScreen(line))) + 1;
  }
  await proc.waitFor(ASKED_NAME, { from });
}

type Started = Awaited<ReturnType<typeof startServer>>;

// One server for a group of checks that do not disturb each other (each uses names
// of its own): started by the first check that asks for it, stopped with the group.
export function sharedServer(group: Test, dir: string): () => Promise<Started> {
  let started: Promise<Started> | undefined;
  group.teardown(async () => {
    if (started) await (await started.catch(() => undefined))?.server.stop();
  });
  return () => (started ??= startServer(dir));
}

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

    // A client of a stage with usernames: it answers the name prompt once it is
    // asked, and is in the chat once it says so after that.
    async joinAs(address: string, username: string): Promise<Proc> {
      const client = this.client(address, username);
      await client.waitFor(ASKED_NAME);
      const typed = client.lines.length;
      client.send(username);
      await client.waitFor(CONNECTED, { from: typed });
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
