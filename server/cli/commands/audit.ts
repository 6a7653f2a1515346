import { finished } from 'node:stream/promises';
import { open, readFile, rm, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { DatabasePool } from 'slonik';
import type { AuditCheckpoint, ChainMark } from '../../../engine/governance/audit/index.js';
import type { AuditVerifyResult } from '../../governance/audit-verify.js';
import { CliError } from '../cli-error.js';
import type { CliContext } from '../context.js';
import { withDatabase } from '../database.js';
import { orgUnitId } from '../options.js';

type VerifyFlags = { org: string; deep?: boolean; checkpoint?: string; json?: boolean };
type ExportFlags = { org: string; out: string; checkpointOut?: string; json?: boolean };

export function registerAuditCommands(program: Command, context: CliContext): void {
  const audit = program.command('audit').description('check and export the tamper-evident audit chain (docs/audit-format.md)');
  audit
    .command('verify')
    .description("recompute an org unit's audit chain and name the first broken row, if any")
    .requiredOption('--org <id>', 'org unit whose chain to verify', orgUnitId)
    .option('--deep', 'also parse every entry and require its exact canonical form (slower)')
    .option('--checkpoint <file>', 'a checkpoint kept outside the database (from `bos audit export`) to check as well')
    .option('--json', 'print the result as one JSON document')
    .addHelpText('after', '\nExits 0 when the chain is intact, 1 when it is broken (the first bad row is named).')
    .action(async (flags: VerifyFlags, command: Command) => {
      const checkpoints = flags.checkpoint === undefined ? [] : [await readCheckpointMark(flags.checkpoint, flags.org, command)];
      const result = await withDatabase(context, (database) => runAuditVerify(context, database.pool, { ...flags, checkpoints }));
      reportVerification(context, result, flags.json === true);
    });
  audit
    .command('export')
    .description("write an org unit's audit chain as JSON Lines, verified row by row, and a checkpoint to keep elsewhere")
    .requiredOption('--org <id>', 'org unit whose chain to export', orgUnitId)
    .requiredOption('--out <file>', 'file to write (must not exist yet)')
    .option('--checkpoint-out <file>', 'where to write the checkpoint (default: beside --out, as NAME.checkpoint.json)')
    .option('--json', 'print the result as one JSON document')
    .addHelpText('after', '\nKeep the checkpoint somewhere the database owner cannot reach; `bos audit verify --checkpoint` checks it.')
    .action(async (flags: ExportFlags, command: Command) => {
      const checkpointFile = flags.checkpointOut ?? defaultCheckpointFile(flags.out);
      const usageError = (message: string) => command.error(`error: ${message}`, { exitCode: 2 });
      const result = await withDatabase(context, (database) => runAuditExport(context, database.pool, { ...flags, checkpointFile }, usageError));
      if (flags.json) context.printJson(result);
      else {
        context.print(`Exported ${result.checkpoint.count} rows of ${flags.org}'s audit chain to ${result.out}`);
        context.print(`Checkpoint (row ${result.checkpoint.seq}, head ${result.checkpoint.headHash}) written to ${result.checkpointFile}`);
      }
    });
}

/** audit.jsonl → audit.checkpoint.json, as docs/audit-format.md names them. */
export function defaultCheckpointFile(out: string): string {
  return `${out.replace(/\.jsonl$/, '')}.checkpoint.json`;
}

async function requireOrgUnit(pool: DatabasePool, id: string): Promise<void> {
  const { findOrgUnit } = await import('../../../db/queries/org-units.js');
  if (!(await findOrgUnit(pool, id))) throw new CliError(`the org unit ${id} does not exist`);
}

export async function runAuditVerify(
  context: CliContext,
  pool: DatabasePool,
  flags: { org: string; deep?: boolean; checkpoints?: readonly ChainMark[] },
): Promise<AuditVerifyResult> {
  const { verifyAuditChain } = await import('../../governance/audit-verify.js');
  await requireOrgUnit(pool, flags.org);
  context.progress(`Verifying the audit chain of ${flags.org}`);
  return verifyAuditChain(pool, flags.org, {
    deep: flags.deep === true,
    checkpoints: flags.checkpoints,
    onProgress: ({ verified, total }) => context.progress(`  ${verified} of ${total} rows verified`),
  });
}

/** Prints the result; a broken chain is exit 1 after the report. */
export function reportVerification(context: CliContext, result: AuditVerifyResult, json: boolean): void {
  if (json) context.printJson(result);
  else if (result.ok) {
    context.print(
      `Audit chain of ${result.orgUnitId} is intact: ${result.count} rows, head row ${result.headSeq} ${result.headHash}, ` +
        `${result.checkpointsChecked} checkpoints checked`,
    );
  } else {
    context.print(`Audit chain of ${result.orgUnitId} is BROKEN at row ${result.firstBadSeq} (${result.reason}): ${result.detail}`);
    context.print(`${result.verifiedCount} rows before it verified`);
  }
  if (!result.ok) throw new CliError(`the audit chain of ${result.orgUnitId} is broken at row ${result.firstBadSeq} (${result.reason})`);
}

export type AuditExportResult = { orgUnitId: string; out: string; checkpointFile: string; checkpoint: AuditCheckpoint };

export async function runAuditExport(
  context: CliContext,
  pool: DatabasePool,
  flags: { org: string; out: string; checkpointFile: string },
  /** Reports a bad invocation (exit 2) and does not return. */
  usageError: (message: string) => never,
): Promise<AuditExportResult> {
  const { formatCheckpoint } = await import('../../../engine/governance/audit/index.js');
  const { AuditChainBrokenError } = await import('../../governance/audit-errors.js');
  const { exportAuditChain } = await import('../../governance/audit-export.js');
  await requireOrgUnit(pool, flags.org);
  // 'wx': an earlier export (or anything else) at that path is never overwritten.
  const file = await openNew(flags.out, usageError);
  try {
    await (await openNew(flags.checkpointFile, usageError)).close();
  } catch (error) {
    await file.close();
    await rm(flags.out, { force: true });
    throw error;
  }
  let checkpoint: AuditCheckpoint;
  try {
    context.progress(`Exporting the audit chain of ${flags.org} to ${flags.out}`);
    const stream = file.createWriteStream();
    try {
      checkpoint = await exportAuditChain(pool, flags.org, stream, {
        clock: { now: context.now },
        onProgress: ({ verified, total }) => context.progress(`  ${verified} of ${total} rows exported`),
      });
    } finally {
      stream.end();
      await finished(stream);
    }
    await writeFile(flags.checkpointFile, formatCheckpoint(checkpoint));
  } catch (error) {
    // A partial export must not be mistaken for a whole one.
    await rm(flags.out, { force: true });
    await rm(flags.checkpointFile, { force: true });
    if (error instanceof AuditChainBrokenError) throw new CliError(`${error.message}; nothing was exported`, { cause: error });
    throw error;
  }
  return { orgUnitId: flags.org, out: flags.out, checkpointFile: flags.checkpointFile, checkpoint };
}

async function openNew(file: string, usageError: (message: string) => never) {
  try {
    return await open(file, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') usageError(`${file} already exists; choose another file or move it away`);
    throw error;
  }
}

async function readCheckpointMark(file: string, org: string, command: Command): Promise<ChainMark> {
  const { AuditExportFormatError, parseCheckpoint } = await import('../../../engine/governance/audit/index.js');
  let checkpoint: AuditCheckpoint;
  try {
    checkpoint = parseCheckpoint(await readFile(file, 'utf8'));
  } catch (error) {
    if (error instanceof AuditExportFormatError || (error as NodeJS.ErrnoException).code === 'ENOENT') {
      command.error(`error: --checkpoint ${file}: ${error instanceof Error ? error.message : String(error)}`, { exitCode: 2 });
    }
    throw error;
  }
  if (checkpoint.orgUnitId !== org) command.error(`error: --checkpoint ${file} is for ${checkpoint.orgUnitId}, not ${org}`, { exitCode: 2 });
  return { seq: checkpoint.seq, hash: checkpoint.headHash };
}
