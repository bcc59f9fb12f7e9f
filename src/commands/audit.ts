// `railclone audit verify`: checks the clone API's audit trail against its checkpoint and RAILCLONE_AUDIT_KEY.
import type { Command } from 'commander';
import { verifyAudit } from '../gateway/admin.js';
import { withStore } from './with-store.js';

export function registerAuditCommand(program: Command): void {
  program
    .command('audit')
    .description('The audit trail of the clone API')
    .command('verify')
    .description('Check the trail: any edited, removed, reordered or cut-off entry is reported')
    .action(() =>
      withStore(async (store) => {
        const verdict = await verifyAudit(store);
        process.stdout.write(`${JSON.stringify(verdict)}\n`);
        if (!verdict.ok) process.exitCode = 1;
      }),
    );
}
