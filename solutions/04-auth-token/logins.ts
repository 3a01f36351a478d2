// logins.ts: password guessing, slowed down. Each Login from an address waits
// its turn, and every attempt since that address's last success makes the next
// turn come later (0.1 s, 0.2 s, 0.4 s … at most 5 s apart). A person who mistypes
// once or twice hardly notices; a script guessing thousands of passwords a second
// gets a few a second at most. Other addresses are not slowed at all, and a right
// password resets the count: the real user is never locked out.
import * as grpc from '@grpc/grpc-js';

const MAX_GAP_MS = 5000; // the longest wait between two attempts
const MAX_QUEUE_MS = 10_000; // attempts further ahead than this are refused at once
const attempts = new Map<string, { count: number; next: number }>(); // by address

// Resolves when this attempt may be checked; or, when the address has too many
// attempts waiting, an error for the caller (RESOURCE_EXHAUSTED, with a retry hint).
export async function loginTurn(address: string): Promise<grpc.ServiceError | undefined> {
  const now = Date.now();
  const entry = attempts.get(address) ?? { count: 0, next: now };
  const turn = Math.max(now, entry.next);
  if (turn - now > MAX_QUEUE_MS) {
    const metadata = new grpc.Metadata();
    metadata.set('grpc-retry-pushback-ms', String(turn - now));
    return Object.assign(new Error('too many login attempts'), {
      code: grpc.status.RESOURCE_EXHAUSTED,
      details: `too many login attempts from your address; try again in ${Math.ceil((turn - now) / 1000)} s`,
      metadata,
    });
  }
  entry.next = turn + (entry.count === 0 ? 0 : Math.min(MAX_GAP_MS, 50 * 2 ** entry.count));
  entry.count++;
  attempts.set(address, entry);
  if (attempts.size > 10_000) forgetOld(now);
  await new Promise((resolve) => setTimeout(resolve, turn - now));
  return undefined;
}

// The right password: this address starts afresh.
export function loginSucceeded(address: string): void {
  attempts.delete(address);
}

function forgetOld(now: number): void {
  for (const [address, entry] of attempts) if (entry.next + MAX_QUEUE_MS < now) attempts.delete(address);
}
