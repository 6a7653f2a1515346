import { openDatabase, type Database } from '../../db/open-database.js';
import { findOrgUnit } from '../../db/queries/org-units.js';
import { buildApp, type BuiltApp } from '../app.js';
import { defaultOrgUnit, defaultSeedOptions, seedOrgUnit } from '../cli/commands/seed.js';
import { loadConfig, type Config } from '../config/config.js';
import { createLogger } from '../logging.js';
import { bringUp } from '../main.js';
import { bindDigitalTwin, createDigitalTwin, type DigitalTwin } from '../twin/digital-twin.js';

/** The system running inside the caller's process, without an HTTP listener. */
export type BusinessOS = Readonly<{
  config: Config;
  database: Database;
  /** The whole application: its services (decisions, twin, ledger, workflows...) and `app.inject` for API calls. */
  built: BuiltApp;
  digitalTwin: DigitalTwin;
  /** Stops the runtime and closes the database; initializeBusinessOS() may be called again after. */
  close(): Promise<void>;
}>;

let running: Promise<BusinessOS> | undefined;

/**
 * Brings Business OS up in this process, once: migrations, the simulated shop `lsn_main` on
 * a fresh database, the built-in policies, the workflows and their runtime; then binds the
 * exported `digitalTwin` to it. Configured by the environment like the server (DATABASE_URL
 * or BOS_DATA_DIR, ...). Calling it again answers the same running system.
 */
export function initializeBusinessOS(options: { env?: NodeJS.ProcessEnv } = {}): Promise<BusinessOS> {
  running ??= start(loadConfig(options.env ?? process.env)).catch((error: unknown) => {
    running = undefined;
    throw error;
  });
  return running;
}

async function start(config: Config): Promise<BusinessOS> {
  const logger = createLogger(config);
  const database = await openDatabase(config.database);
  let built: BuiltApp | undefined;
  try {
    built = await buildApp({ config, database, logger, readiness: { state: 'serving' } });
    await built.app.ready();
    await bringUp(built, database, logger, async ({ pool }) => {
      if (await findOrgUnit(pool, defaultOrgUnit.id)) return;
      await seedOrgUnit(pool, defaultSeedOptions, { now: Date.now(), progress: (line) => logger.info(line) });
    });
  } catch (error) {
    await built?.app.close();
    await database.close();
    throw error;
  }
  const app = built;
  const digitalTwin = createDigitalTwin(app.twin);
  bindDigitalTwin(digitalTwin);
  return {
    config,
    database,
    built: app,
    digitalTwin,
    async close() {
      bindDigitalTwin(undefined);
      running = undefined;
      await app.app.close();
      await database.close();
    },
  };
}
