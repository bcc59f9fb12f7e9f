// The strategy names alone (no node imports): the request schema, which the browser console bundles
// too, reads them from here.
export const STRATEGIES = ['email', 'name', 'phone', 'address', 'ip', 'hash', 'null', 'keep'] as const;
export type Strategy = (typeof STRATEGIES)[number];
