// The results of a tap run as a tree, read from its TAP stream with tap-parser:
// one node per test point, the subtest's own results as its children. Enough to
// turn the stage suites' output into the checklist of `npm run check`.
import { Parser } from 'tap-parser';

export interface Result {
  ok: boolean;
  name: string;
  depth: number; // 0 for the top level
  skip?: string; // the reason, for `# SKIP`
  diag: Record<string, unknown>; // the YAML details: found, wanted, diff, code…
  children: Result[]; // the results of its subtest, in order (empty for an assertion)
}

export interface Listener {
  started?(name: string, depth: number): void; // a subtest begins
  finished?(result: Result): void; // a result, with its details and children
}

export interface Reading {
  parser: Parser; // write the stream to it, then end() it
  results: Result[]; // the top level, once the parser is done
  bailedOut(): string | undefined;
}

// A subtest's name is written with `#` escaped.
const unescape = (text: string) => text.replace(/\\([\\#])/g, '$1');

export function readResults(listener: Listener = {}): Reading {
  const parser = new Parser();
  const results: Result[] = [];
  let bailout: string | undefined;
  parser.on('bailout', (reason: string) => {
    bailout = reason;
  });
  // One level: its asserts, with the results of the subtest each closes.
  const follow = (level: Parser, depth: number, into: Result[]) => {
    let subtest: Result[] = [];
    level.on('child', (child: Parser) => {
      listener.started?.(unescape(child.name), depth);
      subtest = [];
      follow(child, depth + 1, subtest);
    });
    level.on('assert', (point: { ok: boolean; name: string; skip: boolean | string; diag: object | null; closingTestPoint: boolean }) => {
      const result: Result = {
        ok: point.ok,
        name: point.name,
        depth,
        diag: { ...point.diag },
        children: point.closingTestPoint ? subtest : [],
      };
      if (point.skip !== false) result.skip = point.skip === true ? 'skipped' : point.skip;
      if (point.closingTestPoint) subtest = [];
      into.push(result);
      listener.finished?.(result);
    });
  };
  follow(parser, 0, results);
  return { parser, results, bailedOut: () => bailout };
}
