// Faults from the command line or RAILCLONE_EMULATOR_FAULTS (comma-separated):
//   fail:<field>:<n>[:<status>]   drop:<field>:<n>   reset:<field>:<n>   late:<field>:<n>:<ms>
//   rate-limit:<count>:<retryAfterSeconds>   latency:<ms>[:<field>]
import { ValidationError } from '../util/errors.js';
import type { FaultInjector } from './faults.js';

export const FAULT_SPEC_HELP =
  'fail:<field>:<n>[:<status>], drop:<field>:<n>, reset:<field>:<n>, late:<field>:<n>:<ms>, rate-limit:<count>:<seconds>, latency:<ms>[:<field>]';

export type FaultSpec =
  | { kind: 'fail'; field: string; n: number; status?: number }
  | { kind: 'drop'; field: string; n: number }
  | { kind: 'reset'; field: string; n: number }
  | { kind: 'late'; field: string; n: number; ms: number }
  | { kind: 'rate-limit'; count: number; retryAfterSeconds: number }
  | { kind: 'latency'; ms: number; field?: string };

const FIELD = /^[_A-Za-z][_0-9A-Za-z]*$/;

export function parseFaultSpec(spec: string, flag = '--fault'): FaultSpec {
  const bad = (why: string) =>
    new ValidationError(flag, `${flag} "${spec}": ${why}; allowed: ${FAULT_SPEC_HELP}`, {
      provided: spec,
      allowed: FAULT_SPEC_HELP,
    });
  const parts = spec.trim().split(':');
  const int = (s: string | undefined, what: string, min: number) => {
    if (s === undefined || !/^\d+$/.test(s) || Number(s) < min)
      throw bad(`${what} must be a whole number ≥ ${min}`);
    return Number(s);
  };
  const field = (s: string | undefined) => {
    if (!s || !FIELD.test(s)) throw bad('field must be a root field name such as environmentCreate');
    return s;
  };
  switch (parts[0]) {
    case 'fail': {
      if (parts.length < 3 || parts.length > 4) throw bad('expected fail:<field>:<n>[:<status>]');
      const out: FaultSpec = { kind: 'fail', field: field(parts[1]), n: int(parts[2], 'n', 1) };
      if (parts[3] !== undefined) {
        const status = int(parts[3], 'status', 400);
        if (status > 599) throw bad('status must be an HTTP error status from 400 to 599');
        out.status = status;
      }
      return out;
    }
    case 'drop':
    case 'reset':
      if (parts.length !== 3) throw bad(`expected ${parts[0]}:<field>:<n>`);
      return { kind: parts[0], field: field(parts[1]), n: int(parts[2], 'n', 1) };
    case 'late':
      if (parts.length !== 4) throw bad('expected late:<field>:<n>:<ms>');
      return { kind: 'late', field: field(parts[1]), n: int(parts[2], 'n', 1), ms: int(parts[3], 'ms', 0) };
    case 'rate-limit':
      if (parts.length !== 3) throw bad('expected rate-limit:<count>:<seconds>');
      return {
        kind: 'rate-limit',
        count: int(parts[1], 'count', 1),
        retryAfterSeconds: int(parts[2], 'seconds', 0),
      };
    case 'latency':
      if (parts.length < 2 || parts.length > 3) throw bad('expected latency:<ms>[:<field>]');
      return parts[2] === undefined
        ? { kind: 'latency', ms: int(parts[1], 'ms', 0) }
        : { kind: 'latency', ms: int(parts[1], 'ms', 0), field: field(parts[2]) };
    default:
      throw bad('unknown fault kind');
  }
}

export function applyFaultSpec(faults: FaultInjector, f: FaultSpec): void {
  if (f.kind === 'fail') faults.failNth(f.field, f.n, f.status ? { status: f.status } : {});
  else if (f.kind === 'drop') faults.dropConnection(f.field, f.n);
  else if (f.kind === 'reset') faults.resetConnection(f.field, f.n);
  else if (f.kind === 'late') faults.lateAnswer(f.field, f.n, f.ms);
  else if (f.kind === 'rate-limit') faults.rateLimit(f.count, f.retryAfterSeconds);
  else faults.latency(f.ms, f.field);
}
