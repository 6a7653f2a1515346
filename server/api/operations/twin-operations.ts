import { z } from 'zod';
import { actingRoles, readerRoles } from '../../../engine/kernel/index.js';
import { orgUnitIdSchema } from '../../contracts/common.js';
import {
  calibrationStatusDto,
  listSimulationsInput,
  runSimulationInput,
  runSweepInput,
  simulationDto,
  simulationIdSchema,
  simulationSummaryDto,
  sweepDto,
  sweepRunsInput,
  sweepScenarioDto,
} from '../../contracts/twin.js';
import type { CalibrationService } from '../../twin/calibration-service.js';
import type { TwinService } from '../../twin/twin-service.js';
import { defineOperation } from '../operation.js';

const org = { orgUnitId: orgUnitIdSchema };
const oneSimulation = { ...org, simulationId: simulationIdSchema };
const anySimulation = z.discriminatedUnion('kind', [simulationDto, sweepDto]);

/**
 * The digital twin's API (docs/twin.md). Simulating writes only the simulation's own record,
 * so the roles that act may run one; everyone in the org unit may read them.
 */
export function twinOperations(deps: { twin: TwinService; calibration: CalibrationService }) {
  const { twin, calibration } = deps;
  return {
    runSimulation: defineOperation({
      kind: 'mutation',
      method: 'POST',
      path: '/api/org-units/:orgUnitId/simulations',
      summary:
        'Simulate a scenario (changes in percent over `duration` days): revenue, orders, margin, fraud loss, stockouts and runway as distributions, risks against the policies’ thresholds, and better changes nearby. Stored, re-runnable, streamed as simulation.completed',
      tags: ['twin'],
      access: actingRoles,
      input: z.object({ ...org, ...runSimulationInput }).strict(),
      output: simulationDto,
      successStatus: 201,
      handle: (principal, { orgUnitId, scenario, ...sampling }) => twin.simulate(principal.id, orgUnitId, { scenario, ...sampling }),
    }),
    runSweep: defineOperation({
      kind: 'mutation',
      method: 'POST',
      path: '/api/org-units/:orgUnitId/simulations/sweeps',
      summary: 'Simulate many scenarios at once — a grid of global changes on a base, or a list — on the same random numbers, split across the model workers; ranked by contribution',
      tags: ['twin'],
      access: actingRoles,
      input: z.object({ ...org, ...runSweepInput }).strict(),
      output: sweepDto,
      successStatus: 201,
      handle: (principal, { orgUnitId, ...input }) => twin.sweep(principal.id, orgUnitId, input),
    }),
    getSimulation: defineOperation({
      kind: 'query',
      method: 'GET',
      path: '/api/org-units/:orgUnitId/simulations/:simulationId',
      summary: 'One simulation or sweep with its result, seed, model versions, input hash and backend',
      tags: ['twin'],
      access: readerRoles,
      input: z.object(oneSimulation).strict(),
      output: anySimulation,
      handle: (_principal, { orgUnitId, simulationId }) => twin.get(orgUnitId, simulationId),
    }),
    listSimulations: defineOperation({
      kind: 'query',
      method: 'GET',
      path: '/api/org-units/:orgUnitId/simulations',
      summary: 'Simulations and sweeps, newest first, each with its headline',
      tags: ['twin'],
      access: readerRoles,
      input: z.object({ ...org, ...listSimulationsInput }).strict(),
      output: z.object({ items: z.array(simulationSummaryDto), nextCursor: z.string().nullable() }),
      handle: (_principal, { orgUnitId, ...filters }) => twin.list(orgUnitId, filters),
    }),
    getSweepRuns: defineOperation({
      kind: 'query',
      method: 'GET',
      path: '/api/org-units/:orgUnitId/simulations/:simulationId/runs',
      summary: "A sweep's scenarios in order, each with its metrics and risks",
      tags: ['twin'],
      access: readerRoles,
      input: z.object({ ...oneSimulation, ...sweepRunsInput }).strict(),
      output: z.object({ items: z.array(sweepScenarioDto), nextCursor: z.string().nullable() }),
      handle: (_principal, { orgUnitId, simulationId, ...page }) => twin.sweepRuns(orgUnitId, simulationId, page),
    }),
    rerunSimulation: defineOperation({
      kind: 'mutation',
      method: 'POST',
      path: '/api/org-units/:orgUnitId/simulations/:simulationId/rerun',
      summary: 'Run a stored simulation again on its stored inputs (shop, parameters, seed) and say whether every number came out the same',
      tags: ['twin'],
      access: actingRoles,
      input: z.object(oneSimulation).strict(),
      output: z.object({ originalId: z.string().uuid(), identical: z.boolean(), simulation: simulationDto }),
      successStatus: 201,
      handle: (principal, { orgUnitId, simulationId }) => twin.rerun(principal.id, orgUnitId, simulationId),
    }),
    getCalibrationStatus: defineOperation({
      kind: 'query',
      method: 'GET',
      path: '/api/org-units/:orgUnitId/twin/calibration',
      summary: "Each model's version (0: prior), training window and backtest error, and how past forecasts compared with what happened",
      tags: ['twin'],
      access: readerRoles,
      input: z.object(org).strict(),
      output: calibrationStatusDto,
      handle: (_principal, { orgUnitId }) => calibration.status(orgUnitId),
    }),
  };
}
