// Kestra reads `::{json}::` lines on stdout as outputs, metrics and logs (reference/kestra.md §3).
// @kestra-io/libs prints the same format; we go through it, after redaction.
import Kestra from '@kestra-io/libs';
import { redact } from './secrets.js';

type Tags = Record<string, string>;

// Only a Kestra task (`railclone task …`) speaks the protocol; elsewhere stdout belongs to the user.
let enabled = false;
export function enableKestraProtocol(on = true): void {
  enabled = on;
}

function safe<T>(value: T): T {
  return JSON.parse(redact(JSON.stringify(value))) as T;
}

export const kestra = {
  outputs(values: Record<string, unknown>): void {
    if (!enabled) return;
    Kestra.outputs(safe(values));
  },
  counter(name: string, value: number, tags: Tags = {}): void {
    if (!enabled) return;
    Kestra.counter(name, value, safe(tags));
  },
  timer(name: string, seconds: number, tags: Tags = {}): void {
    if (!enabled) return;
    Kestra.timer(name, seconds, safe(tags));
  },
  log(level: 'INFO' | 'WARN' | 'ERROR' | 'DEBUG', message: string): void {
    if (!enabled) return;
    // One protocol line on stdout keeps the level (plain stderr would always be ERROR).
    process.stdout.write(`::${JSON.stringify({ logs: [{ level, message: redact(message) }] })}::\n`);
  },
};
