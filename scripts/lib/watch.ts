// `npm run check -- <stage> --watch`: run the check again whenever a file of the
// folder is saved, as rustlings does. Each run is a child process (the same check
// without --watch): a save during a run stops it, with everything it started, and
// starts a fresh one.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { RUN_TS } from '../../lib/processes';
import { shown } from './stages';

const DEBOUNCE_MS = 300; // editors write a file in several steps; wait for the last
const CHECK = path.join(__dirname, '..', 'check.ts');

// Editors' temporary and backup files, which change without the work changing.
const IGNORED = /(^|[\\/])(\.#|#|\.git[\\/]|node_modules[\\/])|(~|\.swp|\.swx|\.tmp|^\d+)$/;

export function watch(dir: string, args: string[]): Promise<number> {
  let child: ChildProcess | undefined;
  let timer: NodeJS.Timeout | undefined;
  let again = false; // a save came during the current run
  let quitting = false;

  const start = () => {
    again = false;
    if (process.stdout.isTTY) process.stdout.write('\x1b[2J\x1b[3J\x1b[H'); // clear the screen
    const run = spawn(process.execPath, [...RUN_TS, CHECK, ...args], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, CHAT_CHECK_WATCHED: '1' },
    });
    child = run;
    run.on('close', () => {
      child = undefined;
      if (quitting) return;
      if (again) start();
      else console.log(`\nWatching ${shown(dir)}: save a file to check again; Ctrl+C quits.`);
    });
  };

  // A save: stop the run in progress (its 'close' starts the next), or start one.
  const changed = () => {
    if (child) {
      again = true;
      child.kill('SIGTERM');
    } else {
      start();
    }
  };

  const watcher = fs.watch(dir, { recursive: true }, (_event, file) => {
    if (file && IGNORED.test(file.toString())) return;
    clearTimeout(timer);
    timer = setTimeout(changed, DEBOUNCE_MS);
  });

  return new Promise((resolve) => {
    const quit = () => {
      if (quitting) return;
      quitting = true;
      watcher.close();
      clearTimeout(timer);
      const done = () => {
        console.log('\nStopped watching.');
        resolve(0);
      };
      if (!child) return done();
      child.once('close', done);
      child.kill('SIGTERM');
    };
    // The check's own handlers exit at once; here, Ctrl+C ends the watch cleanly.
    process.removeAllListeners('SIGINT');
    process.removeAllListeners('SIGTERM');
    process.once('SIGINT', quit);
    process.once('SIGTERM', quit);
    start();
  });
}
