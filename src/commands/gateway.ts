// `railclone gateway`: the clone API.
import { type Command, InvalidArgumentError } from 'commander';
import { startGateway } from '../gateway/server.js';
import { emulatorOption } from './options.js';

export function registerGatewayCommand(program: Command): void {
  program
    .command('gateway')
    .description(
      'Run the clone API (Kestra paths, API keys, rate limits, CORS, audit). Kestra when KESTRA_URL is set, else clones run in this process',
    )
    .option('--port <n>', 'port (default RAILCLONE_GATEWAY_PORT or 8090; 0 = any free port)', (v) => {
      if (!/^\d+$/.test(v) || Number(v) > 65_535) throw new InvalidArgumentError('--port must be 0..65535');
      return Number(v);
    })
    .addOption(emulatorOption())
    .option(
      '--scenario <name>',
      'scenario of the built-in emulator (with --emulator): wordpress, postgres-app, empty',
      'wordpress',
    )
    .action(async (o: { port?: number; scenario: string; emulator?: boolean }) => {
      const gw = await startGateway({ port: o.port, scenario: o.scenario, emulator: o.emulator });
      process.stdout.write(
        `${JSON.stringify({ url: gw.url, engine: gw.deps.backend.kind, store: gw.deps.store.kind, store_at: gw.deps.store.where, railway: gw.emulated ? 'built-in emulator' : 'railway' })}\n`,
      );
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await gw.stop();
    });
}
