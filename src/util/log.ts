// Human log lines on stderr: timestamp, step, message — always redacted.
// Kestra turns stderr lines into ERROR logs, so Kestra-facing output goes through ./kestra-protocol.ts.
import { redact } from './secrets.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
  child(scope: string): Logger;
}

export type LogSink = (line: { level: LogLevel; scope: string; message: string; time: string }) => void;

const stderrSink: LogSink = ({ level, scope, message, time }) => {
  process.stderr.write(`${time} ${level.toUpperCase().padEnd(5)} [${scope}] ${message}\n`);
};

let sink: LogSink = stderrSink;
let minLevel: LogLevel = (process.env.RAILCLONE_LOG_LEVEL as LogLevel) || 'info';
const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Replace where log lines go (the Kestra task runner and tests use this). */
export function setLogSink(next: LogSink | null): void {
  sink = next ?? stderrSink;
}

export function setLogLevel(level: LogLevel): void {
  minLevel = level;
}

export function createLogger(scope: string): Logger {
  const emit = (level: LogLevel, msg: string) => {
    if (order[level] < order[minLevel]) return;
    sink({ level, scope, message: redact(msg), time: new Date().toISOString() });
  };
  return {
    debug: (m) => emit('debug', m),
    info: (m) => emit('info', m),
    warn: (m) => emit('warn', m),
    error: (m) => emit('error', m),
    child: (s) => createLogger(`${scope}:${s}`),
  };
}
