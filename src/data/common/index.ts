// Helpers shared by the PostgreSQL and MySQL copy engines (and `railclone db copy`).
export {
  createTableFilter,
  globToRegExp,
  splitList,
  type TableFilter,
  type TableName,
} from './table-filter.js';
export { buildReport, mbPerSec } from './report.js';
export { createTableProgress, PROGRESS_INTERVAL_MS, type TableProgress } from './progress.js';
export { CopyAbortedError, throwIfAborted } from './abort.js';
export {
  assertDifferentDatabases,
  describeEndpoint,
  parseDatabaseUrl,
  type DatabaseEndpoint,
  type ServerIdentity,
} from './same-target.js';
export {
  DEFAULT_JOBS,
  MAX_JOBS,
  resolveCopyOptions,
  validateJobs,
  validateReplacements,
  type ResolvedCopyOptions,
} from './options.js';
