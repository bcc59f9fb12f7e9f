import type { CopyOptions, CopyReport } from '../types.js';
import { RailcloneError } from '../../util/errors.js';

export async function copyPostgres(_opts: CopyOptions): Promise<CopyReport> {
  throw new RailcloneError('NotImplemented', 'PostgreSQL copy engine not implemented yet');
}
