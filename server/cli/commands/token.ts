import { Option, type Command } from 'commander';
import { roles, type Role } from '../../../engine/kernel/index.js';
import { CliError } from '../cli-error.js';
import type { CliContext } from '../context.js';
import { withDatabase } from '../database.js';
import { orgUnitId, text, wholeNumber } from '../options.js';

type CreateFlags = { org: string; role: Role; name: string; label?: string; expiresInDays?: number; json?: boolean };

export function registerTokenCommands(program: Command, context: CliContext): void {
  const token = program.command('token').description('manage API tokens');
  token
    .command('create')
    .description('issue an API token for a principal, creating the principal if it does not exist')
    .requiredOption('--org <id>', 'org unit the token belongs to', orgUnitId)
    .addOption(new Option('--role <role>', 'role of the principal').choices(roles).makeOptionMandatory())
    .requiredOption('--name <name>', 'principal name (an existing principal keeps its role)', text(200))
    .option('--label <label>', 'what the token is for, shown in token listings', text(200))
    .option('--expires-in-days <days>', 'expire the token after this many days (default: never)', wholeNumber(1, 3650))
    .option('--json', 'print the result as one JSON document')
    .addHelpText('after', '\nOnly the token goes to stdout, so `TOKEN=$(bos token create ...)` works; it is shown once.')
    .action(async (flags: CreateFlags) => {
      const { findOrgUnit } = await import('../../../db/queries/org-units.js');
      const { createApiToken } = await import('../../auth/token-service.js');
      const issued = await withDatabase(context, async (database) => {
        if (!(await findOrgUnit(database.pool, flags.org))) {
          throw new CliError(`the org unit ${flags.org} does not exist; create it with \`bos seed --org ${flags.org}\``);
        }
        return createApiToken(database.pool, {
          orgUnitId: flags.org,
          name: flags.name,
          role: flags.role,
          label: flags.label,
          expiresInDays: flags.expiresInDays,
          now: context.now(),
        });
      });
      if (flags.json) {
        context.printJson(issued);
        return;
      }
      context.progress(
        `Created token ${issued.id} for ${issued.principal.name} (${issued.principal.role}) in ${flags.org}, ` +
          `expiring ${issued.expiresAt ?? 'never'}. It is shown only this once:`,
      );
      context.print(issued.token);
    });
}
