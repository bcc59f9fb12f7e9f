// The masking area's public surface: personal data replaced in flight, inside the copy engines'
// per-row transform (so it works on any slice of a table the engines stream).
export { createMasker } from './masker.js';
export type { Masker, MaskOptions, MaskRule, MaskedColumn, TableMasker, ColumnInfoLike } from './masker.js';
export { maskValue } from './deep.js';
export { STRATEGIES, MASK_DOMAIN, createDigest, applyStrategy } from './strategies.js';
export type { Strategy } from './strategies.js';
export { validateMaskRules, describeMask } from './validate.js';
