import type { Command } from 'commander';

export function registerCloneCommands(_program: Command): void {
  // Filled in by the clone area.
}
