// A small reader for the TAP 14 stream that tap prints (https://testanything.org):
// just enough of it to turn test results into the checklist of `npm run check`.
//
//   # Subtest: 01-chat                      <- a subtest starts (4 spaces per level)
//       # Subtest: messages show who sent them
//           not ok 1 - should be equal      <- an assertion inside it
//             ---                           <- its YAML details: found, wanted, diff…
//             diff: |
//               -9
//               +0
//             ...
//           1..1
//       not ok 1 - messages show who sent them   <- the subtest's own result, after its children

export interface Result {
  ok: boolean;
  name: string;
  depth: number; // 0 for the top level
  skip?: string; // the reason, for `# SKIP`
  diag: Record<string, string>; // top-level keys of the YAML block, as text
  children: Result[]; // the results of its subtest, in order (empty for an assertion)
}

export interface Listener {
  started?(name: string, depth: number): void; // a `# Subtest:` line
  finished?(result: Result): void; // a result, with its details and children
}

const RESULT = /^(not )?ok\b(?:\s+\d+)?(?:\s+-)?\s*(.*)$/;

export class TapReader {
  readonly results: Result[] = []; // the top level
  bailedOut: string | undefined;
  private childrenAt: Result[][] = []; // results seen at each depth, waiting for their parent
  private pending: { result: Result; indent: number } | undefined;
  private yaml: string[] | undefined;

  constructor(private readonly listener: Listener = {}) {}

  line(raw: string): void {
    const line = raw.replace(/\r$/, '');
    const indent = line.length - line.trimStart().length;
    const text = line.trim();
    if (this.pending && this.yaml) {
      if (indent === this.pending.indent + 2 && text === '...') this.finish();
      else this.yaml.push(line.slice(this.pending.indent + 2));
      return;
    }
    if (this.pending && indent === this.pending.indent + 2 && text === '---') {
      this.yaml = [];
      return;
    }
    this.finish();
    const depth = Math.floor(indent / 4);
    if (text.startsWith('# Subtest: ')) {
      this.listener.started?.(unescape(text.slice('# Subtest: '.length)), depth);
    } else if (text.startsWith('Bail out!')) {
      this.bailedOut = text.slice('Bail out!'.length).trim();
    } else {
      const match = RESULT.exec(text);
      if (match) this.result(match[1] === undefined, match[2], depth, indent);
    }
  }

  // The end of the stream: settle the last result.
  end(): Result[] {
    this.finish();
    return this.results;
  }

  private result(ok: boolean, rest: string, depth: number, indent: number): void {
    const { name, directive } = splitDirective(rest);
    const skip = /^skip\b\s*(.*)$/i.exec(directive)?.[1];
    const result: Result = { ok, name, depth, diag: {}, children: this.childrenAt[depth + 1] ?? [] };
    if (skip !== undefined) result.skip = skip || 'skipped';
    this.childrenAt[depth + 1] = [];
    (this.childrenAt[depth] ??= []).push(result);
    if (depth === 0) this.results.push(result);
    this.pending = { result, indent };
  }

  private finish(): void {
    if (!this.pending) return;
    if (this.yaml) this.pending.result.diag = readYaml(this.yaml);
    const { result } = this.pending;
    this.pending = undefined;
    this.yaml = undefined;
    this.listener.finished?.(result);
  }
}

// "name # time=12ms" → name and directive. A `#` inside a name is escaped as `\#`.
function splitDirective(rest: string): { name: string; directive: string } {
  const hash = /(?:^|[^\\])(#)/.exec(rest);
  if (!hash) return { name: unescape(rest.trim()), directive: '' };
  const at = hash.index + hash[0].length - 1;
  return { name: unescape(rest.slice(0, at).trim()), directive: rest.slice(at + 1).trim() };
}

function unescape(text: string): string {
  return text.replace(/\\([\\#])/g, '$1');
}

// The top-level keys of a YAML details block, each as plain text: enough for the
// scalars tap writes there (found, wanted, diff, code, details, expired…). Nested
// mappings such as `at:` come back as their raw indented lines, which we never read.
export function readYaml(lines: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  let key: string | undefined;
  let block: string[] = [];
  let style = '';
  const flush = () => {
    if (key === undefined) return;
    const indent = Math.min(...block.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length));
    const body = block.map((l) => l.slice(Number.isFinite(indent) ? indent : 0));
    if (style.startsWith('>')) out[key] = body.join(' ').replace(/\s+/g, ' ').trim();
    else if (style.startsWith('|')) out[key] = body.join('\n').replace(/\s+$/, '');
    else out[key] = [out[key], ...body.map((l) => l.trim())].filter((l) => l).join(' ');
    key = undefined;
  };
  for (const line of lines) {
    const top = /^([\w-]+):(?:\s+(.*))?$/.exec(line);
    if (top) {
      flush();
      key = top[1];
      block = [];
      const value = top[2] ?? '';
      style = /^[|>][-+0-9]*$/.test(value) ? value : '';
      out[key] = style ? '' : scalar(value);
    } else if (key !== undefined) {
      block.push(line);
    }
  }
  flush();
  return out;
}

// A YAML scalar written on one line: plain, 'single' or "double" quoted.
function scalar(value: string): string {
  if (value.startsWith('"') && value.endsWith('"') && value.length > 1) {
    try {
      return String(JSON.parse(value));
    } catch {
      return value.slice(1, -1);
    }
  }
  if (value.startsWith("'") && value.endsWith("'") && value.length > 1) return value.slice(1, -1).replace(/''/g, "'");
  return value;
}
