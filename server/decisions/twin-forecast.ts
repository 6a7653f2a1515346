import type { Arm, DecisionType } from '../../engine/decisions/index.js';
import { payoutFrequencies, payoutFrequencyDays, type ScenarioChanges } from '../../engine/twin/index.js';
import type { TwinService } from '../twin/twin-service.js';
import type { DecisionTarget, Forecast } from './decision-service.js';

/** How long a decision's forecast looks ahead. */
const horizonDays = 7;

/** The twin's scenario for an arm, or null where the twin has no lever for it (creator and stream strategies). */
function scenarioChanges(type: DecisionType, change: Arm['change'], target: DecisionTarget | undefined): ScenarioChanges | null {
  switch (type) {
    case 'pricing': {
      const percent = Number(change.priceChange ?? 0);
      return target?.productId ? { products: [{ productId: target.productId, priceChange: percent }] } : { priceChange: percent };
    }
    case 'ad_spend':
      return { adSpendChange: Number(change.adSpendChange ?? 0) };
    case 'payout_frequency': {
      const frequency = payoutFrequencies.find((name) => payoutFrequencyDays[name] === Number(change.payoutEveryDays));
      return frequency ? { payoutFrequency: frequency } : null;
    }
    default:
      return null;
  }
}

/**
 * A decision's option simulated in the twin (stored like any simulation): its predicted
 * revenue, orders and margin as distributions, its risks, and the `projected.*` / `risk.*`
 * facts the governor's policies read.
 */
export function twinForecast(twin: Pick<TwinService, 'simulate'>) {
  return async (orgUnitId: string, type: DecisionType, change: Arm['change'], target: DecisionTarget | undefined): Promise<Forecast | null> => {
    const changes = scenarioChanges(type, change, target);
    if (!changes) return null;
    const simulation = await twin.simulate('decision-engine', orgUnitId, {
      scenario: { changes, duration: horizonDays, description: `${type} decision: ${JSON.stringify(change)}` },
    });
    const { metrics, impact, risks } = simulation;
    return {
      simulationId: simulation.id,
      predictedImpact: { horizonDays, revenue: metrics.revenue, orders: metrics.orders, margin: metrics.margin, impact, risks },
      projected: simulation.governance.projected,
      risk: simulation.governance.risk,
    };
  };
}
