import { z } from 'zod';
import { checkDetectorParams, detectorKinds, type DetectorParams, type DetectorState } from './regression.js';

/** A stored detector state, checked on the way back in: a state the engine would never produce is refused, not run. */
const finite = z.number().finite();
const count = z.number().int().min(0);

const detectorParamsSchema: z.ZodType<DetectorParams> = z
  .object({ kind: z.enum(detectorKinds), drift: finite, threshold: finite, warmUp: count, clip: finite, sigmaFloor: finite })
  .strict();

const detectorStateSchema: z.ZodType<DetectorState> = z
  .object({
    params: detectorParamsSchema,
    count,
    mean: finite,
    m2: finite.min(0),
    cumulative: finite,
    peak: finite,
    run: z.object({ count, sum: finite }).strict(),
    observations: count,
    alarms: count,
  })
  .strict();

export function parseDetectorState(stored: unknown): DetectorState {
  const state = detectorStateSchema.parse(stored);
  checkDetectorParams(state.params);
  return state;
}
