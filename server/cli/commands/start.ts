import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { describeDatabase } from '../database.js';
import { defaultOrgUnit, seedDefaultOrgUnitIfMissing } from './seed.js';
import { worldSeed, worldSpeed, type WorldSpeed } from './world.js';

export function registerStartCommand(program: Command, context: CliContext): void {
  program
    .command('start')
    .description('start the server: open the database, apply migrations, listen (SIGTERM or SIGINT stop it gracefully)')
    .option('--no-seed', `do not create ${defaultOrgUnit.id} and its tokens on a first start`)
    .option('--no-world', `do not run the simulated shop for ${defaultOrgUnit.id} beside the server`)
    .option('--world-speed <days-per-second>', 'simulated days per real second for the shop (default 0.1: one day per 10 s)', worldSpeed, 0.1)
    .option('--world-seed <s>', "the shop's world seed", worldSeed, '1')
    .addHelpText(
      'after',
      `\nOn a first start it seeds ${defaultOrgUnit.id} like \`bos seed\` and prints its tokens once.\n` +
        'Configured by the environment: HOST, PORT, DATABASE_URL or BOS_DATA_DIR, LOG_LEVEL, SHUTDOWN_GRACE_MS, ...',
    )
    .action(async (flags: { seed: boolean; world: boolean; worldSpeed: WorldSpeed; worldSeed: string }) => {
      const config = context.config();
      const { startServer } = await import('../../main.js');
      context.progress(`Starting Business OS. ${describeDatabase(config.database)}`);
      let shop = '';
      const server = await startServer(config, {
        handleSignals: true,
        ...(flags.seed ? { beforeServing: (database) => seedDefaultOrgUnitIfMissing(context, database.pool) } : {}),
        ...(flags.world
          ? {
              async alongside(built, database, logger) {
                const { startLiveWorld } = await import('../../world/live-world.js');
                const { warmTwin } = await import('../../twin/warm-twin.js');
                const runner = await startLiveWorld({
                  pool: database.pool,
                  ingestion: built.ingestion,
                  logger,
                  orgUnitId: defaultOrgUnit.id,
                  seed: flags.worldSeed,
                  msPerDay: flags.worldSpeed === 'max' ? 0 : 1000 / flags.worldSpeed,
                  now: context.now,
                });
                if (runner) {
                  shop = `The simulated shop runs for ${defaultOrgUnit.id} (world ${flags.worldSeed}), one day every ${flags.worldSpeed === 'max' ? 'moment' : `${1 / flags.worldSpeed} s`}`;
                  // Its hourly pricing reviews forecast in the twin: the workers start now, not on the first review.
                  warmTwin(built.twin, built.models, defaultOrgUnit.id).catch((error: unknown) => logger.warn({ err: error }, 'twin: the model workers did not warm up'));
                }
                return runner ? () => runner.stop() : undefined;
              },
            }
          : {}),
      });
      context.print(`Business OS listening on ${server.url}`);
      if (shop) context.print(shop);
      context.print(`Control room: ${server.url}/ops-console (log in with a founder's or operator's token)`);
    });
}
