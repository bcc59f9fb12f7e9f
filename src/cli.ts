// `railclone`: one entry point for every step, the whole clone, the data tools, the emulator and Kestra.
// Each area registers its own commands from src/commands/<area>.ts.
import { Command } from 'commander';
import { toErrorBody } from './util/errors.js';
import { registerCloneCommands } from './commands/clone.js';
import { registerDbCopyCommand } from './commands/db-copy.js';
import { registerRewriteCommands } from './commands/rewrite.js';
import { registerEmulatorCommand } from './commands/emulator.js';
import { registerKestraCommands } from './commands/kestra.js';
import { registerGatewayCommands } from './commands/gateway.js';
import { registerDemoCommand } from './commands/demo.js';

const program = new Command('railclone')
  .description(
    'Clone a Railway environment — services, variables and database data — into a private staging copy.',
  )
  .version('0.1.0')
  .showHelpAfterError();

const db = program.command('db').description('Copy a database or rewrite URLs in one');
registerDbCopyCommand(db);
registerRewriteCommands(program, db);
registerCloneCommands(program);
registerEmulatorCommand(program);
registerKestraCommands(program);
registerGatewayCommands(program);
registerDemoCommand(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  const body = toErrorBody(err);
  process.stderr.write(`railclone: ${body.message}\n`);
  if (process.env.RAILCLONE_JSON_ERRORS === '1') process.stderr.write(`${JSON.stringify(body)}\n`);
  process.exitCode = 1;
});
