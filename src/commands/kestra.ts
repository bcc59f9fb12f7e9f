import type { Command } from 'commander';

export function registerKestraCommands(_program: Command): void {
  // Filled in by the kestra area.
}
