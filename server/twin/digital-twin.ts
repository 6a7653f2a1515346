import { z } from 'zod';
import { scenarioSchema, type ScenarioInput } from '../../engine/twin/index.js';
import { orgUnitIdSchema } from '../contracts/common.js';
import { samplingInput, type SimulationDto } from '../contracts/twin.js';
import { AppError, validationFailed } from '../errors/catalog.js';
import { fieldPath } from '../errors/problem.js';
import type { TwinService } from './twin-service.js';

/**
 * The twin for in-process callers (CLIENT-CONTRACT.md):
 *
 *   await digitalTwin.simulate('lsn_main', { changes: { priceChange: 15 }, duration: 7, description: '…' })
 *
 * Changes are percents, duration is days; the answer is the same simulation the API
 * returns (and it is stored the same way). A bad scenario throws VALIDATION_FAILED naming
 * the field (`scenario.duration`, `scenario.changes.products[0].productId`).
 */
export type SimulateOptions = Readonly<{ seed?: number; samples?: number; tolerance?: number }>;

export type DigitalTwin = Readonly<{
  simulate(orgUnitId: string, scenario: ScenarioInput, options?: SimulateOptions): Promise<SimulationDto>;
}>;

const callSchema = z.object({ orgUnitId: orgUnitIdSchema, scenario: scenarioSchema, ...samplingInput }).strict();

export function createDigitalTwin(service: TwinService, requestedBy = 'system'): DigitalTwin {
  return {
    async simulate(orgUnitId, scenario, options = {}) {
      const parsed = callSchema.safeParse({ orgUnitId, scenario, ...options });
      if (!parsed.success) {
        throw validationFailed(
          parsed.error.issues.map((issue) => {
            const [first, ...rest] = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0] ?? ''] : issue.path;
            return { path: fieldPath(String(first ?? 'scenario'), rest), message: issue.message };
          }),
        );
      }
      const { scenario: checked, orgUnitId: org, ...sampling } = parsed.data;
      return service.simulate(requestedBy, org, { scenario: checked, ...sampling }, { fieldRoot: 'scenario' });
    },
  };
}

let bound: DigitalTwin | undefined;

/**
 * The package entry re-exports this (`export { digitalTwin } from './server/twin/digital-twin.js'`);
 * `initializeBusinessOS()` binds it to its twin service with `bindDigitalTwin`. It is a
 * module-level handle because the contract names one; before binding it refuses.
 */
export const digitalTwin: DigitalTwin = {
  simulate(orgUnitId, scenario, options) {
    if (!bound) return Promise.reject(new AppError('NOT_READY', 'The digital twin is not running: call initializeBusinessOS() first'));
    return bound.simulate(orgUnitId, scenario, options);
  },
};

export function bindDigitalTwin(twin: DigitalTwin | undefined): void {
  bound = twin;
}
