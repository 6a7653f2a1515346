import canonicalize from 'canonicalize';
import type { Logger } from 'pino';
import type { DatabasePool } from 'slonik';
import {
  completeSimulation,
  failSimulation,
  findSimulation,
  findSimulationInputs,
  insertSimulation,
  insertSimulationRuns,
  listSimulationRuns,
  listSimulations,
  type SimulationRow,
} from '../../db/queries/simulations.js';
import {
  defaultSeed,
  defaultStoppingRule,
  fixedSamples,
  gridScenarios,
  inputSha256,
  kernelVersion,
  maxSweepScenarios,
  simulate,
  sweep,
  thresholdsFromPolicies,
  type ModelParams,
  type ModelRunner,
  type ModelVersions,
  type RiskThresholds,
  type Scenario,
  type ScenarioChanges,
  type ShopState,
  type StoppingRule,
  type SweepGrid,
} from '../../engine/twin/index.js';
import type { Clock } from '../../engine/kernel/index.js';
import type { SimulationDto, SweepDto, SweepScenarioDto } from '../contracts/twin.js';
import { AppError, notFound, validationFailed } from '../errors/catalog.js';
import { publishCommitted, type Publish } from '../governance/governance-deps.js';
import type { PolicySets } from '../governance/policy-sets.js';
import { checkScenarioFits } from './scenario-check.js';
import { readShop, type ShopReading } from './shop-reader.js';
import { simulationOf, storedSingle, storedSweep, summaryOf, sweepScenarioOf, type StoredSingle } from './simulation-records.js';

export type SimulateInput = Readonly<{ scenario: Scenario; seed?: number; samples?: number; tolerance?: number }>;

export type SweepRequest = Readonly<{
  description: string;
  duration: number;
  base: ScenarioChanges;
  grid?: SweepGrid;
  scenarios?: readonly ScenarioChanges[];
  samples: number;
  seed?: number;
}>;

export type TwinService = Readonly<{
  /** Runs one what-if and stores it; `fieldRoot` names where the scenario sits in the caller's input. */
  simulate(requestedBy: string, orgUnitId: string, input: SimulateInput, options?: { fieldRoot?: string }): Promise<SimulationDto>;
  sweep(requestedBy: string, orgUnitId: string, input: SweepRequest): Promise<SweepDto>;
  get(orgUnitId: string, id: string): Promise<SimulationDto | SweepDto>;
  list(orgUnitId: string, filters: { limit: number; kind?: 'single' | 'sweep'; before?: string }): Promise<{ items: ReturnType<typeof summaryOf>[]; nextCursor: string | null }>;
  sweepRuns(orgUnitId: string, id: string, page: { limit: number; after?: number }): Promise<{ items: SweepScenarioDto[]; nextCursor: string | null }>;
  /** Runs a stored simulation again on its stored inputs and says whether every number came out the same. */
  rerun(requestedBy: string, orgUnitId: string, id: string): Promise<{ originalId: string; identical: boolean; simulation: SimulationDto }>;
  /** The shop as the twin reads it now, with its model parameters (for calibration and tests). */
  read(orgUnitId: string): Promise<ShopReading>;
}>;

export type TwinServiceDeps = Readonly<{
  pool: DatabasePool;
  runner: ModelRunner;
  publish: Publish;
  clock: Clock;
  policySets: Pick<PolicySets, 'get'>;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
}>;

/** Paths (scenarios × samples) a sweep may ask for at once. */
export const maxSweepPaths = 1_000_000;

/** What a single simulation is re-run from, stored with it. */
type SingleInputs = Readonly<{
  kernelVersion: string;
  state: ShopState;
  params: ModelParams;
  versions: ModelVersions;
  scenario: Scenario;
  seed: number;
  rule: StoppingRule;
  thresholds: RiskThresholds;
  notes: readonly string[];
  calibrated: boolean;
}>;

export function createTwinService(deps: TwinServiceDeps): TwinService {
  const { pool, runner, clock, logger } = deps;
  const now = () => new Date(clock.now());

  async function thresholds(orgUnitId: string): Promise<RiskThresholds> {
    const loaded = await deps.policySets.get(orgUnitId);
    return thresholdsFromPolicies(loaded.enforced.policies);
  }

  /** Runs and stores a single simulation from its inputs: running row, result, stream event. */
  async function runSingle(requestedBy: string, inputs: SingleInputs): Promise<SimulationDto> {
    const orgUnitId = inputs.state.orgUnitId;
    // The computation and the running row go together: neither needs the other. The
    // computation is handed to the workers first, so it runs while the row is hashed and sent.
    const started = performance.now();
    const computing = simulate(runner, { state: inputs.state, params: inputs.params, scenario: inputs.scenario, seed: inputs.seed, thresholds: inputs.thresholds, rule: inputs.rule });
    const running = insertSimulation(pool, {
      orgUnitId,
      kind: 'single',
      description: inputs.scenario.description,
      scenario: inputs.scenario,
      inputSha256: inputSha256(inputs),
      seed: inputs.seed,
      modelVersions: inputs.versions,
      inputs,
      requestedBy,
      at: now(),
    });
    const [stored, computed] = await Promise.allSettled([running, computing]);
    if (stored.status === 'rejected') throw stored.reason;
    const row = stored.value;
    try {
      if (computed.status === 'rejected') throw computed.reason;
      const report = computed.value;
      const completed = await completeSimulation(pool, {
        orgUnitId,
        id: row.id,
        backend: report.backend,
        samples: report.sampling.samples,
        result: storedSingle(report, inputs),
        computeMs: performance.now() - started,
        at: now(),
      });
      const dto = simulationOf(completed ?? row) as SimulationDto;
      await announce(completed ?? row);
      return dto;
    } catch (error) {
      throw await failed(row, error);
    }
  }

  async function failed(row: SimulationRow, error: unknown): Promise<Error> {
    const message = error instanceof Error ? error.message : String(error);
    logger.error({ err: error, simulationId: row.id }, 'twin: a simulation failed');
    const marked = await failSimulation(pool, { orgUnitId: row.org_unit_id, id: row.id, error: { name: error instanceof Error ? error.name : 'Error', message }, at: now() });
    if (marked) await announce(marked);
    return error instanceof AppError ? error : new AppError('INTERNAL', `The simulation failed: ${message}`, {}, { cause: error });
  }

  async function announce(row: SimulationRow): Promise<void> {
    await publishCommitted({ publish: deps.publish, logger }, row.org_unit_id, 'simulation.completed', {
      simulationId: row.id,
      kind: row.kind,
      status: row.status,
      description: row.description,
      samples: row.samples,
      headline: (row.result?.headline) ?? null,
    });
  }

  /** The shop to simulate: one with no active product has nothing for the models to run on. */
  async function shopToSimulate(orgUnitId: string): Promise<ShopReading> {
    const reading = await readShop(pool, orgUnitId, clock.now());
    if (reading.state.products.length === 0) throw new AppError('PRECONDITION_FAILED', `${orgUnitId} has no active products: there is nothing to simulate`);
    return reading;
  }

  return {
    async simulate(requestedBy, orgUnitId, input, options = {}) {
      const reading = await shopToSimulate(orgUnitId);
      checkScenarioFits(input.scenario, reading.state, options.fieldRoot ?? 'body.scenario');
      const rule = input.samples !== undefined ? fixedSamples(input.samples) : { ...defaultStoppingRule, ...(input.tolerance !== undefined ? { tolerance: input.tolerance } : {}) };
      return runSingle(requestedBy, {
        kernelVersion,
        state: reading.state,
        params: reading.params,
        versions: reading.versions,
        scenario: input.scenario,
        seed: input.seed ?? defaultSeed,
        rule,
        thresholds: await thresholds(orgUnitId),
        notes: reading.notes,
        calibrated: reading.calibrated,
      });
    },

    async sweep(requestedBy, orgUnitId, input) {
      if ((input.grid === undefined) === (input.scenarios === undefined)) {
        throw validationFailed([{ path: 'body.grid', message: 'give exactly one of grid or scenarios' }]);
      }
      const scenarios = input.grid ? gridScenarios(input.base, input.grid) : (input.scenarios ?? []).map((changes) => ({ ...input.base, ...changes }));
      if (scenarios.length > maxSweepScenarios) throw validationFailed([{ path: 'body.grid', message: `makes ${scenarios.length} scenarios; at most ${maxSweepScenarios}` }]);
      if (scenarios.length * input.samples > maxSweepPaths) {
        throw validationFailed([{ path: 'body.samples', message: `${scenarios.length} scenarios × ${input.samples} samples is more than ${maxSweepPaths} paths; ask for fewer samples` }]);
      }
      const reading = await shopToSimulate(orgUnitId);
      // A grid varies only global levers, so its base is all there is to check.
      const checked = input.grid ? [{ changes: input.base, root: 'body.base' }] : scenarios.map((changes, index) => ({ changes, root: `body.scenarios[${index}]` }));
      for (const { changes, root } of checked) checkScenarioFits({ changes, duration: input.duration, description: '' }, reading.state, root, ['changes']);
      const seed = input.seed ?? defaultSeed;
      const limits = await thresholds(orgUnitId);
      const inputs = { kernelVersion, state: reading.state, params: reading.params, versions: reading.versions, scenarios, duration: input.duration, samples: input.samples, seed, thresholds: limits };
      const row = await insertSimulation(pool, {
        orgUnitId,
        kind: 'sweep',
        description: input.description,
        scenario: { base: input.base, ...(input.grid ? { grid: input.grid } : { scenarios: input.scenarios }), duration: input.duration },
        inputSha256: inputSha256(inputs),
        seed,
        modelVersions: reading.versions,
        inputs,
        requestedBy,
        at: now(),
      });
      try {
        const report = await sweep(runner, { state: reading.state, params: reading.params, scenarios, days: input.duration, samples: input.samples, seed, thresholds: limits }, () => performance.now());
        const perScenarioMs = report.computeMs / scenarios.length;
        const completed = await pool.transaction(async (tx) => {
          for (let start = 0; start < report.results.length; start += 1000) {
            const runs = report.results.slice(start, start + 1000).map((r) => ({ index: r.index, changes: r.changes, result: { metrics: r.metrics, risks: r.risks }, durationMs: perScenarioMs }));
            await insertSimulationRuns(tx, row.id, runs);
          }
          return completeSimulation(tx, {
            orgUnitId,
            id: row.id,
            backend: report.backend,
            samples: report.samples,
            result: storedSweep(report, input.duration, reading),
            computeMs: report.computeMs,
            at: now(),
          });
        });
        await announce(completed ?? row);
        return simulationOf(completed ?? row) as SweepDto;
      } catch (error) {
        throw await failed(row, error);
      }
    },

    async get(orgUnitId, id) {
      const row = await findSimulation(pool, { orgUnitId, id });
      if (!row) throw notFound(`Simulation ${id}`);
      return simulationOf(row);
    },

    async list(orgUnitId, filters) {
      const [at, id] = filters.before?.split('_') ?? [];
      const rows = await listSimulations(pool, {
        orgUnitId,
        limit: filters.limit,
        ...(filters.kind ? { kind: filters.kind } : {}),
        ...(at && id ? { before: { createdAt: new Date(at), id } } : {}),
      });
      const last = rows.at(-1);
      return { items: rows.map(summaryOf), nextCursor: rows.length === filters.limit && last ? `${last.created_at.toISOString()}_${last.id}` : null };
    },

    async sweepRuns(orgUnitId, id, page) {
      const row = await findSimulation(pool, { orgUnitId, id });
      if (!row || row.kind !== 'sweep') throw notFound(`Sweep ${id}`);
      const runs = await listSimulationRuns(pool, { orgUnitId, simulationId: id, limit: page.limit, ...(page.after === undefined ? {} : { afterIndex: page.after }) });
      const items = runs.map((run) => sweepScenarioOf({ index: run.scenario_index, changes: run.changes, ...(run.result as Pick<SweepScenarioDto, 'metrics' | 'risks'>) }));
      const last = runs.at(-1);
      return { items, nextCursor: runs.length === page.limit && last ? String(last.scenario_index) : null };
    },

    async rerun(requestedBy, orgUnitId, id) {
      const row = await findSimulation(pool, { orgUnitId, id });
      if (!row) throw notFound(`Simulation ${id}`);
      if (row.kind !== 'single') throw new AppError('CONFLICT', `Simulation ${id} is a sweep; re-run single simulations`);
      if (row.status !== 'completed' || row.result === null) throw new AppError('CONFLICT', `Simulation ${id} is ${row.status}; only completed simulations are re-run`);
      const inputs = (await findSimulationInputs(pool, { orgUnitId, id })) as SingleInputs | null;
      if (!inputs) throw new AppError('CONFLICT', `Simulation ${id} has no stored inputs to re-run from`);
      const simulation = await runSingle(requestedBy, inputs);
      const before = (row.result as unknown as StoredSingle).report;
      const again = await findSimulation(pool, { orgUnitId, id: simulation.id });
      const after = (again?.result as unknown as StoredSingle | undefined)?.report;
      const numbers = (report: StoredSingle['report'] | undefined) => canonicalize({ ...report, backend: undefined });
      return { originalId: id, identical: after !== undefined && numbers(before) === numbers(after), simulation };
    },

    read: (orgUnitId) => readShop(pool, orgUnitId, clock.now()),
  };
}
