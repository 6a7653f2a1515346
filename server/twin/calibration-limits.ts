import { minTrainingDays } from '../../engine/twin/calibration.js';

/** How much history a calibration may ask for, and what it asks for by default (light: the CLI reads it for its flags). */
export type CalibrateInput = Readonly<{ days: number; holdoutDays: number }>;

export const calibrationLimits = { minDays: minTrainingDays + 1, maxDays: 365, minHoldoutDays: 1, maxHoldoutDays: 28 } as const;
export const defaultCalibration: CalibrateInput = { days: 60, holdoutDays: 7 };
