import { Command } from 'commander';
import { registerAuditCommands } from './commands/audit.js';
import { registerMigrateCommand } from './commands/migrate.js';
import { registerPolicyCommands } from './commands/policy.js';
import { registerReplayCommand } from './commands/replay.js';
import { registerSeedCommand } from './commands/seed.js';
import { registerStartCommand } from './commands/start.js';
import { registerTokenCommands } from './commands/token.js';
import { registerTwinCommands } from './commands/twin.js';
import { registerWorldCommands } from './commands/world.js';
import type { CliContext } from './context.js';
import { describeUsageFailure, type ExitCode } from './usage-failure.js';

/**
 * The commands, with their flags. Each command loads what it runs (the database, the app, the
 * engine) only in its action, so parsing, help and usage errors stay quick.
 */
export function buildProgram(context: CliContext): Command {
  const program = new Command('bos')
    .description('Business OS: runs a live-shopping business under verifiable governance')
    // Set before the commands are added: subcommands inherit them.
    .exitOverride()
    .configureOutput({ writeOut: context.writeOut, writeErr: context.writeErr })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'after',
      '\nExit codes: 0 done, 1 failed, 2 bad usage or configuration.\n' +
        'Results go to stdout, progress to stderr; --json prints exactly one JSON document.',
    );
  registerStartCommand(program, context);
  registerMigrateCommand(program, context);
  registerSeedCommand(program, context);
  registerTokenCommands(program, context);
  registerPolicyCommands(program, context);
  registerAuditCommands(program, context);
  registerReplayCommand(program, context);
  registerWorldCommands(program, context);
  registerTwinCommands(program, context);
  return program;
}

/** Runs one invocation and returns its exit code; never throws. */
export async function runCli(argv: readonly string[], context: CliContext): Promise<ExitCode> {
  try {
    await buildProgram(context).parseAsync(argv);
    return 0;
  } catch (error) {
    // Only a failure while running loads the rest of the catalog, and with it the database drivers.
    const failure = describeUsageFailure(error) ?? (await import('./failures.js')).describeFailure(error);
    if (failure.message) context.writeErr(`${failure.message}\n`);
    return failure.exitCode;
  }
}
