// SIGINT/SIGTERM during `railclone clone` and `railclone task`: the first one stops the run and lets it
// roll back what it created, then the command exits non-zero with its JSON outcome; a second one exits
// at once (the next `railclone env cleanup` removes what is left: the run's intent or metadata proves it).
import type { Interruption } from '../clone/interruption.js';

const EXIT_CODE: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

export function exitCodeFor(signal: string | null): number {
  return (signal && EXIT_CODE[signal]) || 1;
}

/** Installs the handlers; returns their removal. */
export function interruptOnSignals(interruption: Interruption): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    if (interruption.reason) {
      process.stderr.write(`railclone: second ${signal}: exiting now, without finishing the rollback\n`);
      process.exit(exitCodeFor(signal));
    }
    process.stderr.write(
      `railclone: ${signal}: stopping and rolling back what this run created (send it again to exit at once)\n`,
    );
    interruption.interrupt(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}
