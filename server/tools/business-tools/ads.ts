import { z } from 'zod';
import { adChannels, findAdBudget, lockAdBudget, upsertAdBudget, type AdBudgetRow } from '../../../db/queries/ad-budgets.js';
import { defineTool } from '../tool-implementation.js';
import { changeFraction } from './fractions.js';
import { businessToolDefaults, currencyCode, minorUnits, nowOf, refuse } from './tool-defaults.js';

const setBudgetInput = z.object({
  channel: z.enum(adChannels),
  dailyBudgetMinor: minorUnits.nonnegative(),
  currency: currencyCode,
});
type SetBudgetInput = z.infer<typeof setBudgetInput>;

const setBudgetOutput = z.object({
  channel: z.enum(adChannels),
  previousDailyBudgetMinor: minorUnits.nullable(),
  dailyBudgetMinor: minorUnits,
  currency: currencyCode,
});

// Switching a channel's currency would make the change ratio compare unlike amounts.
function budgetProblem(previous: AdBudgetRow | null, input: SetBudgetInput): string | undefined {
  if (previous !== null && previous.currency !== input.currency) {
    return `the ${input.channel} budget is kept in ${previous.currency}, not ${input.currency}; set it in ${previous.currency}`;
  }
  return undefined;
}

/**
 * money_moving, not write: the daily budget is what the ad platforms may charge us each
 * day, so raising it commits cash (the built-in cash_runway policy treats it so). The tool
 * itself only writes our table; the platforms read the budget from there.
 */
export const setAdBudgetTool = defineTool({
  spec: {
    ...businessToolDefaults,
    name: 'ads.set_budget',
    description: 'Sets the daily ad budget for one channel (integer minor units).',
    input: setBudgetInput,
    output: setBudgetOutput,
    effect: 'money_moving',
    risk: 'medium',
  },
  async precondition(context, input) {
    return budgetProblem(await findAdBudget(context.db, { orgUnitId: context.orgUnitId, channel: input.channel }), input);
  },
  async facts(context, input) {
    const previous = await findAdBudget(context.db, { orgUnitId: context.orgUnitId, channel: input.channel });
    const previousMinor = previous?.daily_budget_minor ?? 0;
    const changePercent = changeFraction(previousMinor, input.dailyBudgetMinor);
    return {
      channel: input.channel,
      currency: input.currency,
      dailyBudgetMinor: input.dailyBudgetMinor,
      hadBudget: previous !== null,
      previousDailyBudgetMinor: previousMinor,
      // Left out when there was no budget to compare with: a policy reading it then fails closed.
      ...(changePercent === undefined ? {} : { changePercent }),
    };
  },
  async simulate(context, input) {
    const previous = await findAdBudget(context.db, { orgUnitId: context.orgUnitId, channel: input.channel });
    return {
      channel: input.channel,
      currency: input.currency,
      previousDailyBudgetMinor: previous?.daily_budget_minor ?? null,
      dailyBudgetMinor: input.dailyBudgetMinor,
    };
  },
  async execute(context, input) {
    const { orgUnitId } = context;
    const previous = await lockAdBudget(context.db, { orgUnitId, channel: input.channel });
    const problem = budgetProblem(previous, input);
    if (problem !== undefined) throw refuse(problem);
    const saved = await upsertAdBudget(context.db, {
      orgUnitId,
      channel: input.channel,
      dailyBudgetMinor: input.dailyBudgetMinor,
      currency: input.currency,
      by: context.actor.id,
      at: nowOf(context.clock),
    });
    return {
      channel: saved.channel,
      previousDailyBudgetMinor: previous?.daily_budget_minor ?? null,
      dailyBudgetMinor: saved.daily_budget_minor,
      currency: saved.currency,
    };
  },
});
