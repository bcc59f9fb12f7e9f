// CopyOptions checked once, with defaults applied, for both engines and the CLI.
import { validateHostPairs } from '../rewrite/hosts.js';
import { ValidationError } from '../../util/errors.js';
import { validateMaskRules, type MaskOptions } from '../mask/index.js';
import type { CopyOptions, Replacement } from '../types.js';
import { createTableFilter, type TableFilter } from './table-filter.js';

export const DEFAULT_JOBS = 4;
export const MAX_JOBS = 64;

export interface ResolvedCopyOptions {
  jobs: number;
  rewrite: Replacement[];
  rewriteHosts: Replacement[];
  skipColumns: string[];
  filter: TableFilter;
  replaceTarget: boolean;
  checksums: boolean;
  mask: MaskOptions | undefined;
  /** undefined: the engine decides (see CopyOptions.splitTables). */
  splitTables: boolean | undefined;
  deferKeys: boolean;
  binaryCopy: boolean;
}

export function validateJobs(jobs: unknown, field = 'jobs'): number {
  if (jobs === undefined) return DEFAULT_JOBS;
  if (typeof jobs !== 'number' || !Number.isInteger(jobs) || jobs < 1 || jobs > MAX_JOBS) {
    throw new ValidationError(field, `${field} must be an integer from 1 to ${MAX_JOBS}`, {
      provided: jobs,
      allowed: `1..${MAX_JOBS}`,
    });
  }
  return jobs;
}

/** Every pair needs a non-empty `from` different from its `to` (an empty `to` is allowed: it deletes). */
export function validateReplacements(
  pairs: readonly Replacement[] | undefined,
  field = 'rewrite',
): Replacement[] {
  return (pairs ?? []).map((p, i) => {
    if (!p || typeof p.from !== 'string' || typeof p.to !== 'string') {
      throw new ValidationError(field, `${field}[${i}] must be {from, to} strings`, { provided: p });
    }
    if (p.from === '')
      throw new ValidationError(field, `${field}[${i}]: the old value must not be empty`, { provided: p });
    if (p.from === p.to) {
      throw new ValidationError(field, `${field}[${i}]: old and new values are the same (${p.from})`, {
        provided: p,
      });
    }
    return { from: p.from, to: p.to };
  });
}

export function resolveCopyOptions(opts: CopyOptions): ResolvedCopyOptions {
  return {
    jobs: validateJobs(opts.jobs),
    rewrite: validateReplacements(opts.rewrite),
    rewriteHosts: validateHostPairs(opts.rewriteHosts ?? [], 'rewriteHosts'),
    skipColumns: (opts.skipColumns ?? []).map((c) => c.trim()).filter((c) => c.length > 0),
    filter: createTableFilter(opts.include, opts.exclude),
    replaceTarget: opts.replaceTarget === true,
    checksums: opts.checksums === true,
    mask: opts.mask
      ? { ...opts.mask, rules: validateMaskRules(opts.mask.rules ?? [], 'mask.rules') }
      : undefined,
    splitTables: opts.splitTables,
    deferKeys: opts.deferKeys !== false,
    binaryCopy: opts.binaryCopy !== false,
  };
}
