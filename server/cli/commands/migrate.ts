import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { applyMigrations, withDatabase } from '../database.js';

export function registerMigrateCommand(program: Command, context: CliContext): void {
  program
    .command('migrate')
    .description('apply pending database migrations and print the names applied')
    .option('--json', 'print the result as one JSON document')
    .action(async (options: { json?: boolean }) => {
      const { kind, applied } = await withDatabase(context, async (database) => ({
        kind: database.kind,
        applied: await applyMigrations(context, database),
      }));
      if (options.json) {
        context.printJson({ database: kind, applied });
      } else if (applied.length === 0) {
        context.print('The database is up to date; no migrations to apply.');
      } else {
        context.print(`Applied ${applied.length} migration${applied.length === 1 ? '' : 's'}:`);
        for (const name of applied) context.print(`  ${name}`);
      }
    });
}
