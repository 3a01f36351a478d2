// Running `npm run bench` (bench/run.ts) as a process, for the bench's tests.
import type { Test } from 'tap';
import { Proc } from '../../lib/processes';
import { ROOT } from './stages';


// The bench itself, driving a stage (the reference solution, or the folder under check).
export function bench(t: Test, args: string[]): Proc {
  const proc = new Proc('bench', ROOT, 'bench/run.ts', args);
  t.teardown(() => proc.stop());
  return proc;
}

export const TINY = ['--listeners', '20', '--channels', '4', '--messages', '5', '--starts', '1', '--rounds', '1'];
