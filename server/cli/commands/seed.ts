import type { Command } from 'commander';
import type { DatabasePool } from 'slonik';
import type { CatalogCount, CatalogImportResult } from '../../../db/queries/catalog.js';
import { roles } from '../../../engine/kernel/index.js';
import type { IssuedTokenDto } from '../../contracts/org-units.js';
import type { CliContext } from '../context.js';
import { applyMigrations, withDatabase } from '../database.js';
import { orgUnitId, text, wholeNumber } from '../options.js';

export const defaultOrgUnit = { id: 'lsn_main', name: 'Live Shopping Network' } as const;

export type SeedOptions = { orgUnitId: string; name: string; seed: number; products: number; creators: number };

export const defaultSeedOptions: SeedOptions = {
  orgUnitId: defaultOrgUnit.id,
  name: defaultOrgUnit.name,
  seed: 1,
  products: 240,
  creators: 36,
};

export type SeedResult = {
  orgUnit: { id: string; name: string };
  catalog: CatalogImportResult & { totals: CatalogCount };
  /** One per role; the secrets exist nowhere else, so they are printed once and forgotten. */
  tokens: IssuedTokenDto[];
};

/**
 * The org unit, its simulated catalog and one principal per role. Running it again changes
 * no rows that already exist and issues fresh tokens; earlier tokens stay valid until revoked.
 */
export async function seedOrgUnit(
  pool: DatabasePool,
  options: SeedOptions,
  deps: { now: number; progress: (line: string) => void },
): Promise<SeedResult> {
  const { generateCatalog } = await import('../../../engine/world/index.js');
  const { countCatalog, importCatalog } = await import('../../../db/queries/catalog.js');
  const { upsertOrgUnit } = await import('../../../db/queries/org-units.js');
  const { createApiToken } = await import('../../auth/token-service.js');
  const catalog = generateCatalog({ seed: options.seed, products: options.products, creators: options.creators });
  deps.progress(`Seeding ${options.orgUnitId}: ${options.products} products and ${options.creators} creators from seed ${options.seed}`);
  const seeded = await pool.transaction(async (tx) => {
    const orgUnit = await upsertOrgUnit(tx, { id: options.orgUnitId, name: options.name, currency: catalog.currency });
    const imported = await importCatalog(tx, {
      orgUnitId: orgUnit.id,
      currency: orgUnit.currency,
      products: catalog.products,
      creators: catalog.creators,
    });
    return { orgUnit, imported, totals: await countCatalog(tx, orgUnit.id) };
  });
  deps.progress('Issuing an API token for each role');
  const tokens: IssuedTokenDto[] = [];
  for (const role of roles) {
    tokens.push(await createApiToken(pool, { orgUnitId: options.orgUnitId, name: role, role, label: 'seed', now: deps.now }));
  }
  return {
    orgUnit: { id: seeded.orgUnit.id, name: seeded.orgUnit.name },
    catalog: { ...seeded.imported, totals: seeded.totals },
    tokens,
  };
}

/** What `start` does on a fresh database, so `npm start` alone gives a shop to look at. */
export async function seedDefaultOrgUnitIfMissing(context: CliContext, pool: DatabasePool): Promise<SeedResult | undefined> {
  const { findOrgUnit } = await import('../../../db/queries/org-units.js');
  if (await findOrgUnit(pool, defaultOrgUnit.id)) return undefined;
  const result = await seedOrgUnit(pool, defaultSeedOptions, { now: context.now(), progress: context.progress });
  printSeedResult(context, result);
  return result;
}

type SeedFlags = { org: string; name?: string; seed: number; products: number; creators: number; json?: boolean };

export function registerSeedCommand(program: Command, context: CliContext): void {
  program
    .command('seed')
    .description('create the simulated shop (org unit, catalog, creators) and a principal per role, printing a new API token for each once')
    .option('--org <id>', 'org unit to seed', orgUnitId, defaultOrgUnit.id)
    .option('--name <name>', `org unit display name (default "${defaultOrgUnit.name}" for ${defaultOrgUnit.id}, else the id)`, text(200))
    .option('--seed <n>', 'seed of the simulated catalog; the same seed gives the same shop', wholeNumber(0, 2 ** 32 - 1), defaultSeedOptions.seed)
    .option('--products <n>', 'number of products', wholeNumber(0, 100_000), defaultSeedOptions.products)
    .option('--creators <n>', 'number of creators', wholeNumber(0, 100_000), defaultSeedOptions.creators)
    .option('--json', 'print the result as one JSON document')
    .addHelpText('after', '\nThe tokens are shown only in this output; the database keeps their hashes.')
    .action(async (flags: SeedFlags) => {
      const name = flags.name ?? (flags.org === defaultOrgUnit.id ? defaultOrgUnit.name : flags.org);
      const options = { orgUnitId: flags.org, name, seed: flags.seed, products: flags.products, creators: flags.creators };
      const { migrationsApplied, result } = await withDatabase(context, async (database) => ({
        migrationsApplied: await applyMigrations(context, database),
        result: await seedOrgUnit(database.pool, options, { now: context.now(), progress: context.progress }),
      }));
      if (flags.json) context.printJson({ migrationsApplied, ...result });
      else printSeedResult(context, result);
    });
}

export function printSeedResult(context: CliContext, result: SeedResult): void {
  const { catalog } = result;
  const counts = (what: string, total: number, c: { inserted: number; updated: number }) =>
    `${total} ${what} (${c.inserted} new, ${c.updated} refreshed)`;
  context.print(`Seeded ${result.orgUnit.id} "${result.orgUnit.name}":`);
  context.print(`  ${counts('products', catalog.totals.products, catalog.products)}`);
  context.print(`  ${counts('creators', catalog.totals.creators, catalog.creators)}`);
  context.print('');
  context.print('API tokens (shown once; store them now):');
  const width = Math.max(...result.tokens.map((t) => t.principal.name.length));
  for (const token of result.tokens) context.print(`  ${token.principal.name.padEnd(width)}  ${token.token}`);
}
