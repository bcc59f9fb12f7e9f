// What a person sees while `railclone clone` runs: one line per step and per service, live bars
// (rows, bytes) per table on a terminal, periodic plain lines elsewhere (CI logs, Kestra).
import cliProgress from 'cli-progress';
import type { ProgressEvent, ProgressListener } from '../util/progress.js';

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

export function createProgressDisplay(
  out: NodeJS.WriteStream = process.stderr,
): ProgressListener & { stop(): void } {
  const tty = Boolean(out.isTTY);
  const multibar = tty
    ? new cliProgress.MultiBar(
        {
          stream: out,
          format: ' {table} |{bar}| {value}/{total} rows · {mb}',
          hideCursor: true,
          clearOnComplete: false,
          stopOnComplete: false,
        },
        cliProgress.Presets.shades_classic,
      )
    : null;
  const bars = new Map<string, cliProgress.SingleBar>();
  const lastLine = new Map<string, number>();
  const print = (line: string) => (multibar ? multibar.log(`${line}\n`) : out.write(`${line}\n`));

  const listener = (e: ProgressEvent) => {
    switch (e.kind) {
      case 'step':
        print(
          `${e.status === 'failed' ? '✗' : e.status === 'succeeded' ? '✓' : '→'} ${e.step}${e.message ? ` — ${e.message}` : ''}`,
        );
        break;
      case 'service':
        print(`  · ${e.service}: ${e.status}${e.message ? ` — ${e.message}` : ''}`);
        break;
      case 'message':
        print(`  ${e.message}`);
        break;
      case 'table': {
        if (multibar) {
          let bar = bars.get(e.table);
          const total = Math.max(e.totalRows ?? 0, e.rows, 1);
          if (!bar)
            bars.set(
              e.table,
              (bar = multibar.create(total, 0, { table: e.table.padEnd(24).slice(0, 24), mb: mb(0) })),
            );
          bar.setTotal(e.status === 'done' ? Math.max(e.rows, 1) : total);
          bar.update(e.status === 'done' ? Math.max(e.rows, 1) : e.rows, { mb: mb(e.bytes) });
        } else if (e.status === 'done') {
          print(`  ✓ ${e.table}: ${e.rows} rows, ${mb(e.bytes)}`);
        } else if (Date.now() - (lastLine.get(e.table) ?? 0) > 2_000) {
          lastLine.set(e.table, Date.now());
          print(`  … ${e.table}: ${e.rows}${e.totalRows ? `/~${e.totalRows}` : ''} rows, ${mb(e.bytes)}`);
        }
        break;
      }
    }
  };
  return Object.assign(listener, { stop: () => multibar?.stop() });
}
