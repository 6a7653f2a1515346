import type { Command } from 'commander';
import { startServer } from '../../main.js';
import type { CliContext } from '../context.js';
import { describeDatabase } from '../database.js';

export function registerStartCommand(program: Command, context: CliContext): void {
  program
    .command('start')
    .description('start the server: open the database, apply migrations, listen (SIGTERM or SIGINT stop it gracefully)')
    .addHelpText('after', '\nConfigured by the environment: HOST, PORT, DATABASE_URL or BOS_DATA_DIR, LOG_LEVEL, SHUTDOWN_GRACE_MS, ...')
    .action(async () => {
      const config = context.config();
      context.progress(`Starting Business OS. ${describeDatabase(config.database)}`);
      const server = await startServer(config, { handleSignals: true });
      context.print(`Business OS listening on ${server.url}`);
    });
}
