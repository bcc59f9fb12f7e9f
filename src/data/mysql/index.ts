import type { CopyOptions, CopyReport } from '../types.js';
import { RailcloneError } from '../../util/errors.js';

export async function copyMysql(_opts: CopyOptions): Promise<CopyReport> {
  throw new RailcloneError('NotImplemented', 'MySQL copy engine not implemented yet');
}
