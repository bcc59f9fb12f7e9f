// `railclone`: one entry point for every step, the whole clone, the data tools, the emulator and Kestra.
// One file per command under src/commands/, each registered here. A command's module is imported only
// when that command runs (help and unknown commands load them all): every Kestra task is a fresh
// `node railclone.mjs task <step>`, and it should not pay for the emulator, the gateway or the console.
import { Command } from 'commander';
import { toErrorBody } from './util/errors.js';

type Register = (parent: Command) => void;

/** Top-level command name → its registration (in help order). */
const COMMANDS: Record<string, () => Promise<Register>> = {
  clone: async () => (await import('./commands/clone.js')).registerCloneCommand,
  task: async () => (await import('./commands/task.js')).registerTaskCommand,
  env: async () => (await import('./commands/env.js')).registerEnvCommand, // list|get|delete|lineage|cleanup
  db: async () => {
    const [copy, searchReplace] = await Promise.all([
      import('./commands/db-copy.js'),
      import('./commands/db-search-replace.js'),
    ]);
    return (program) => {
      const db = program.command('db').description('Copy a database or rewrite URLs in one');
      copy.registerDbCopyCommand(db);
      searchReplace.registerDbSearchReplaceCommand(db);
    };
  },
  rewrite: async () => (await import('./commands/rewrite.js')).registerRewriteCommand,
  emulator: async () => (await import('./commands/emulator.js')).registerEmulatorCommand,
  kestra: async () => (await import('./commands/kestra.js')).registerKestraCommands, // start|stop|status|deploy|export-logs
  gateway: async () => (await import('./commands/gateway.js')).registerGatewayCommand,
  keys: async () => (await import('./commands/keys.js')).registerKeysCommand, // create|list|revoke
  audit: async () => (await import('./commands/audit.js')).registerAuditCommand, // verify
  demo: async () => (await import('./commands/demo.js')).registerDemoCommand,
  decrypt: async () => (await import('./commands/decrypt.js')).registerDecryptCommand,
  encrypt: async () => (await import('./commands/encrypt.js')).registerEncryptCommand,
};

async function main(argv: string[]): Promise<void> {
  const program = new Command('railclone')
    .description(
      'Clone a Railway environment — services, variables and database data — into a private staging copy.',
    )
    .version('0.1.0')
    .showHelpAfterError();
  const name = argv[2];
  const only =
    name === '--version' || name === '-V'
      ? []
      : name !== undefined && Object.hasOwn(COMMANDS, name)
        ? [name]
        : Object.keys(COMMANDS);
  for (const register of await Promise.all(only.map((n) => COMMANDS[n]!()))) register(program);
  await program.parseAsync(argv);
}

main(process.argv).catch((err: unknown) => {
  const body = toErrorBody(err);
  process.stderr.write(`railclone: ${body.message}\n`);
  if (process.env.RAILCLONE_JSON_ERRORS === '1') process.stderr.write(`${JSON.stringify(body)}\n`);
  process.exitCode = 1;
});
