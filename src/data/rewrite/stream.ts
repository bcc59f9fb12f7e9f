// JSON-lines filter behind `railclone rewrite`: one JSON string per line in, one out, in order,
// respecting backpressure on the output.
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { ValidationError } from '../../util/errors.js';
import type { Rewriter } from './rewriter.js';

export async function rewriteJsonLines(
  input: Readable,
  output: Writable,
  rewriter: Rewriter,
): Promise<number> {
  const rl = createInterface({ input, crlfDelay: Infinity });
  let lineNo = 0;
  for await (const line of rl) {
    lineNo++;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      throw new ValidationError(
        'stdin',
        `line ${lineNo}: not valid JSON (${(err as Error).message}); each line must be one JSON string`,
        {
          provided: line.slice(0, 80),
        },
      );
    }
    if (typeof value !== 'string' && value !== null) {
      throw new ValidationError(
        'stdin',
        `line ${lineNo}: expected a JSON string (or null), got ${Array.isArray(value) ? 'array' : typeof value}`,
      );
    }
    const out = value === null ? 'null' : JSON.stringify(rewriter.rewrite(value));
    if (!output.write(`${out}\n`)) await once(output, 'drain');
  }
  return lineNo;
}
