import type { Command } from 'commander';
import { startServer } from '../../main.js';
import type { CliContext } from '../context.js';
import { describeDatabase } from '../database.js';
import { defaultOrgUnit, seedDefaultOrgUnitIfMissing } from './seed.js';

export function registerStartCommand(program: Command, context: CliContext): void {
  program
    .command('start')
    .description('start the server: open the database, apply migrations, listen (SIGTERM or SIGINT stop it gracefully)')
    .option('--no-seed', `do not create ${defaultOrgUnit.id} and its tokens on a first start`)
    .addHelpText(
      'after',
      `\nOn a first start it seeds ${defaultOrgUnit.id} like \`bos seed\` and prints its tokens once.\n` +
        'Configured by the environment: HOST, PORT, DATABASE_URL or BOS_DATA_DIR, LOG_LEVEL, SHUTDOWN_GRACE_MS, ...',
    )
    .action(async (flags: { seed: boolean }) => {
      const config = context.config();
      context.progress(`Starting Business OS. ${describeDatabase(config.database)}`);
      const server = await startServer(config, {
        handleSignals: true,
        ...(flags.seed ? { beforeServing: (database) => seedDefaultOrgUnitIfMissing(context, database.pool) } : {}),
      });
      context.print(`Business OS listening on ${server.url}`);
      context.print(`Control room: ${server.url}/ops-console (log in with a founder's or operator's token)`);
    });
}
