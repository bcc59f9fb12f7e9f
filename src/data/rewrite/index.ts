// The rewrite area's public surface: the copy engines and the commands import from here only.
export { createRewriter } from './rewriter.js';
export type { Rewriter, RewriterOptions, RewriteStats } from './rewriter.js';
export { shouldRewriteColumn, skipList, parseColumnList, ALWAYS_SKIPPED } from './columns.js';
export { looksSerialized, isValidSerialized } from './serialized.js';
export { escapedForms, phpJsonEscape, validatePairs } from './patterns.js';
export {
  bytesMayHoldHost,
  compileHosts,
  countHost,
  hostSearch,
  isHostName,
  nextHostIn,
  validateHostPairs,
} from './hosts.js';
export type { HostSearch } from './hosts.js';
export { searchReplace } from './search-replace.js';
export type {
  SearchReplaceOptions,
  SearchReplaceReport,
  TableSearchReplaceReport,
  ColumnReport,
  KeyMethod,
} from './search-replace.js';
export { formatSearchReplaceReport } from './report-format.js';
export { countLeftovers, formatLeftovers, base64Runs } from './leftovers.js';
export type { Leftover, LeftoverReport } from './leftovers.js';
