// `railclone`: one entry point for every step, the whole clone, the data tools, the emulator and Kestra.
// One file per command under src/commands/, each registered here.
import { Command } from 'commander';
import { toErrorBody } from './util/errors.js';
import { registerCloneCommand } from './commands/clone.js';
import { registerTaskCommand } from './commands/task.js';
import { registerEnvCommand } from './commands/env.js';
import { registerDecryptCommand } from './commands/decrypt.js';
import { registerDbCopyCommand } from './commands/db-copy.js';
import { registerDbSearchReplaceCommand } from './commands/db-search-replace.js';
import { registerRewriteCommand } from './commands/rewrite.js';
import { registerEmulatorCommand } from './commands/emulator.js';
import { registerKestraCommands } from './commands/kestra.js';
import { registerGatewayCommand } from './commands/gateway.js';
import { registerKeysCommand } from './commands/keys.js';
import { registerAuditCommand } from './commands/audit.js';
import { registerDemoCommand } from './commands/demo.js';

const program = new Command('railclone')
  .description(
    'Clone a Railway environment — services, variables and database data — into a private staging copy.',
  )
  .version('0.1.0')
  .showHelpAfterError();

registerCloneCommand(program); //          clone
registerTaskCommand(program); //           task <step>
registerEnvCommand(program); //            env list|get|delete|lineage|cleanup
const db = program.command('db').description('Copy a database or rewrite URLs in one');
registerDbCopyCommand(db); //              db copy
registerDbSearchReplaceCommand(db); //     db search-replace
registerRewriteCommand(program); //        rewrite
registerEmulatorCommand(program); //       emulator
registerKestraCommands(program); //        kestra start|stop|status|deploy|export-logs
registerGatewayCommand(program); //        gateway
registerKeysCommand(program); //           keys create|list|revoke
registerAuditCommand(program); //          audit verify
registerDemoCommand(program); //           demo
registerDecryptCommand(program); //        decrypt <value>

program.parseAsync(process.argv).catch((err: unknown) => {
  const body = toErrorBody(err);
  process.stderr.write(`railclone: ${body.message}\n`);
  if (process.env.RAILCLONE_JSON_ERRORS === '1') process.stderr.write(`${JSON.stringify(body)}\n`);
  process.exitCode = 1;
});
