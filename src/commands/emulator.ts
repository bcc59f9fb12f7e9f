import type { Command } from 'commander';

export function registerEmulatorCommand(_program: Command): void {
  // Filled in by the emulator area.
}
