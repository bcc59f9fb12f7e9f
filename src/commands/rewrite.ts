import type { Command } from 'commander';

export function registerRewriteCommands(_program: Command, _db: Command): void {
  // Filled in by the rewrite area: `railclone rewrite` and `railclone db search-replace`.
}
