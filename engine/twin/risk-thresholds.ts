import { parsePolicy, type PolicyAst } from '../governance/index.js';

/**
 * The thresholds the twin's risks are measured against come from governance: the margin
 * floor and minimum cash runway that the org unit's enforced policies deny below. A policy
 * such as `deny when projected.marginPercent < 0.15` sets the floor at 0.15; with several,
 * the strictest wins. Without any such policy the built-ins' values apply.
 */
export type Threshold = Readonly<{ value: number; source: string }>;
export type RiskThresholds = Readonly<{ marginFloor: Threshold; minRunwayDays: Threshold }>;

export const defaultThresholds: RiskThresholds = Object.freeze({
  marginFloor: { value: 0.15, source: 'default (built-in margin_floor)' },
  minRunwayDays: { value: 30, source: 'default (built-in cash_runway)' },
});

type PolicyText = Readonly<{ name: string; version: number; source: string }>;

export function thresholdsFromPolicies(policies: readonly PolicyText[]): RiskThresholds {
  let marginFloor: Threshold | undefined;
  let minRunwayDays: Threshold | undefined;
  for (const policy of policies) {
    let ast: PolicyAst;
    try {
      ast = parsePolicy(policy.source);
    } catch {
      continue;
    }
    const source = `policy ${policy.name} v${policy.version}`;
    for (const rule of ast.rules) {
      if (rule.effect !== 'deny') continue;
      for (const floor of floorsIn(rule.condition.expr)) {
        if (floor.field === 'marginPercent' && (marginFloor === undefined || floor.value > marginFloor.value)) marginFloor = { value: floor.value, source };
        if (floor.field === 'cashRunwayDays' && (minRunwayDays === undefined || floor.value > minRunwayDays.value)) minRunwayDays = { value: floor.value, source };
      }
    }
  }
  return { marginFloor: marginFloor ?? defaultThresholds.marginFloor, minRunwayDays: minRunwayDays ?? defaultThresholds.minRunwayDays };
}

type Expr = PolicyAst['rules'][number]['condition']['expr'];

/** Every `projected.X < N` (or `N > projected.X`, `<=`, `>=`) inside a condition. */
function floorsIn(expr: Expr): { field: string; value: number }[] {
  switch (expr.kind) {
    case 'comparison': {
      const found: { field: string; value: number }[] = [];
      expr.ops.forEach((op, i) => {
        const left = expr.operands[i];
        const right = expr.operands[i + 1];
        if (!left || !right) return;
        if ((op === '<' || op === '<=') && isProjected(left) && right.kind === 'literal' && typeof right.value === 'number') found.push({ field: left.path[0] ?? '', value: right.value });
        if ((op === '>' || op === '>=') && isProjected(right) && left.kind === 'literal' && typeof left.value === 'number') found.push({ field: right.path[0] ?? '', value: left.value });
      });
      return found;
    }
    case 'logical':
      return [...floorsIn(expr.left), ...floorsIn(expr.right)];
    default:
      return [];
  }
}

function isProjected(expr: Expr): expr is Extract<Expr, { kind: 'field' }> {
  return expr.kind === 'field' && expr.root === 'projected' && expr.path.length === 1;
}
