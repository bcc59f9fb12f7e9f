import type { Command } from 'commander';

export function registerDbCopyCommand(_program: Command): void {
  // Filled in by the db-copy area.
}
