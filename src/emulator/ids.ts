// Identifiers shaped like Railway's: UUID ids, numeric trace ids, short hex suffixes for domains.
import { randomBytes, randomUUID } from 'node:crypto';

export const newId = (): string => randomUUID();

export const traceId = (): string =>
  BigInt(`0x${randomBytes(8).toString('hex')}`)
    .toString()
    .slice(0, 19);

export const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

export const isUuid = (s: string): boolean =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

export const now = (): string => new Date().toISOString();

/** `Primary DB` → `primary-db`: the label Railway uses in private and public domain names. */
export const slug = (name: string): string =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '') || 'service';
