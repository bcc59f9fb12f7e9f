// `copyDatabase`: picks the engine from the URL scheme. The only door into the copy engines.
import { ValidationError } from '../util/errors.js';
import { engineOfUrl } from './common/database-url.js';
import type { CopyOptions, CopyReport } from './types.js';

export function engineOf(url: string): 'postgres' | 'mysql' {
  return engineOfUrl(url);
}

export async function copyDatabase(opts: CopyOptions): Promise<CopyReport> {
  const engine = engineOf(opts.source);
  if (engineOf(opts.target) !== engine) {
    throw new ValidationError('target', `target must be the same engine as the source (${engine})`, {
      provided: opts.target.split(':', 1)[0],
    });
  }
  if (engine === 'postgres') {
    const { copyPostgres } = await import('./postgres/index.js');
    return copyPostgres(opts);
  }
  const { copyMysql } = await import('./mysql/index.js');
  return copyMysql(opts);
}
