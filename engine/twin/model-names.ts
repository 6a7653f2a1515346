/** The twin's six models; the database checks the same list (db/migrations/006_learning.sql). */
export const modelNames = ['demand', 'creator', 'pricing', 'fraud', 'payout', 'inventory'] as const;
export type ModelName = (typeof modelNames)[number];

/** The version of each model a simulation used; 0 is the documented prior (nothing calibrated yet). */
export type ModelVersions = Readonly<Record<ModelName, number>>;

export const priorVersion = 0;

export const allPriorVersions: ModelVersions = Object.freeze({ demand: 0, creator: 0, pricing: 0, fraud: 0, payout: 0, inventory: 0 });
