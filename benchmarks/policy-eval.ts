/**
 * Policy evaluation: the 4 built-in policies plus 20 generated threshold rules on
 * pricing.set_price (24 rules; 21 apply to the benchmarked tool), over 10k random actions,
 * against cedar-wasm evaluating the equivalent permit/forbid policies on the same inputs.
 * Targets: >= 500k verdicts/s, p99 <= 5 µs per verdict, ratio >= 20, agreement 100%.
 *
 * Mapping to Cedar (docs/policy-language.md, "Benchmark"): a deny rule is a `forbid`, a
 * require_approval rule is a `forbid` too, told apart by its policy id (Cedar's diagnostics
 * name the forbids that fired: any `deny:` id means deny, otherwise require approval); an
 * allow rule is a conditional `permit`; one unconditional `permit` makes no-match allow.
 * Cedar has no floats, so fractions travel as `decimal` (4 places) and minor units as Long;
 * the generated contexts stay within both, which is what makes 100% agreement a fair test.
 * Cedar runs its fastest path: a preparsed policy set and `statefulIsAuthorized`.
 */
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import type { Action, VerdictOutcome } from '../engine/governance/action.js';
import { seededRandom } from '../engine/kernel/random.js';
import type { CompiledPolicy } from '../engine/governance/policy/index.js';
import { builtinPolicies, compilePolicy, evaluatePolicies } from '../engine/governance/policy/index.js';
import { printReport } from './support/report.js';

const contextsCount = Number(process.env.BENCH_CONTEXTS ?? 10_000);
const rounds = 5;
const roundSeconds = Number(process.env.BENCH_SECONDS ?? 1);
const batchSize = 8;
const random = seededRandom('policy-eval');

// ---- One rule spec, printed twice: as DSL and as Cedar --------------------------------

type Atom = Readonly<{ dsl: string; cedar: string }>;
type Rule = Readonly<{ effect: VerdictOutcome; atoms: readonly Atom[]; join: 'and' | 'or' }>;

const decimal4 = (tenThousandths: number) => {
  const sign = tenThousandths < 0 ? '-' : '';
  const abs = Math.abs(tenThousandths);
  return `${sign}${Math.trunc(abs / 10_000)}.${String(abs % 10_000).padStart(4, '0')}`;
};

const below = [
  ['<', 'lessThan'],
  ['<=', 'lessThanOrEqual'],
] as const;
const above = [
  ['>', 'greaterThan'],
  ['>=', 'greaterThanOrEqual'],
] as const;

// [DSL path, Cedar path, min, max] of each generated field, in its unit (1/10000 for decimals).
const decimalFields = [
  ['projected.marginPercent', 'context.projected.marginPercent', 500, 6000],
  ['risk.pMarginBelowFloor', 'context.risk.pMarginBelowFloor', 0, 10_000],
  ['risk.pStockout', 'context.risk.pStockout', 0, 10_000],
] as const;
const longFields = [
  ['action.input.priceMinor', 'context.input.priceMinor', 500, 5000],
  ['action.input.costMinor', 'context.input.costMinor', 200, 3000],
  ['projected.cashRunwayDays', 'context.projected.cashRunwayDays', 0, 365],
  ['context.inventoryUnits', 'context.context.inventoryUnits', 0, 1000],
] as const;

/** A threshold on one field that holds for about `share` of the random actions. */
function threshold(share: number): Atom {
  const low = random.next() < 0.5;
  const [op, method] = low ? random.pick(below) : random.pick(above);
  const decimalField = random.next() < 0.5;
  const [dsl, path, min, max] = decimalField ? random.pick(decimalFields) : random.pick(longFields);
  const value = Math.round(low ? min + (max - min) * share : max - (max - min) * share);
  if (decimalField) return { dsl: `${dsl} ${op} ${decimal4(value)}`, cedar: `${path}.${method}(decimal("${decimal4(value)}"))` };
  return { dsl: `${dsl} ${op} ${value}`, cedar: `${path} ${op} ${value}` };
}

/** A test that holds for a large share of actions, to narrow a rule. */
function broad(): Atom {
  const kind = random.int(0, 3);
  if (kind === 0) return random.next() < 0.5 ? { dsl: 'action.autonomous', cedar: 'context.autonomous' } : { dsl: 'not action.autonomous', cedar: '!context.autonomous' };
  if (kind === 1) {
    const role = random.pick(['agent', 'operator', 'founder']);
    return { dsl: `action.actor.role != "${role}"`, cedar: `context.actor.role != "${role}"` };
  }
  if (kind === 2) {
    const k = random.int(18, 30);
    return { dsl: `action.input.priceMinor * 10 < action.input.currentPriceMinor * ${k}`, cedar: `context.input.priceMinor * 10 < context.input.currentPriceMinor * ${k}` };
  }
  return threshold(0.3 + random.next() * 0.4);
}

/** Rules that each fire for a few percent of actions, so verdicts come out mixed. */
function generatedRules(count: number): Rule[] {
  return Array.from({ length: count }, (): Rule => {
    const roll = random.next();
    const effect: VerdictOutcome = roll < 0.3 ? 'deny' : roll < 0.85 ? 'require_approval' : 'allow';
    if (random.next() < 0.2) return { effect, join: 'or', atoms: [threshold(0.01 + random.next() * 0.02), threshold(0.01 + random.next() * 0.02)] };
    const rare = threshold(0.03 + random.next() * 0.07);
    return { effect, join: 'and', atoms: [rare, ...Array.from({ length: random.int(0, 2) }, broad)] };
  });
}

const rules = generatedRules(20);
const perPolicy = 5;
const generatedSources = Array.from({ length: rules.length / perPolicy }, (_, p) =>
  [
    `policy generated_${p}`,
    '  on pricing.set_price',
    ...rules.slice(p * perPolicy, (p + 1) * perPolicy).flatMap((rule, r) => [`  ${rule.effect} when ${rule.atoms.map((a) => a.dsl).join(` ${rule.join} `)}`, `  because "generated rule ${p}.${r + 1}"`]),
  ].join('\n'),
);

const policies: readonly CompiledPolicy[] = Object.freeze([
  ...builtinPolicies.map((policy) => compilePolicy(policy.source, { version: 1 })),
  ...generatedSources.map((source) => compilePolicy(source, { version: 1 })),
]);

// The built-ins, by hand in Cedar; domain wildcards become a `context.domain` test.
const cedarPolicies: Record<string, string> = {
  'deny:payout_requires_reconciliation#1': 'forbid (principal, action, resource) when { context.domain == "payouts" && !context.context.reconciled };',
  'deny:payout_requires_reconciliation#2': 'forbid (principal, action, resource) when { context.domain == "payouts" && !context.context.riskChecked };',
  'deny:margin_floor#1': 'forbid (principal, action == Action::"pricing.set_price", resource) when { context.projected.marginPercent.lessThan(decimal("0.15")) };',
  'deny:cash_runway#1': 'forbid (principal, action, resource) when { (context.domain == "payouts" || context.tool == "ads.set_budget") && context.projected.cashRunwayDays < 30 };',
  'approval:large_refund_approval#1': 'forbid (principal, action == Action::"refunds.issue", resource) when { context.input.amountMinor >= 50000 };',
  'default:permit': 'permit (principal, action, resource);',
};
rules.forEach((rule, i) => {
  const id = `${rule.effect === 'deny' ? 'deny' : rule.effect === 'require_approval' ? 'approval' : 'allow'}:generated#${i}`;
  const effect = rule.effect === 'allow' ? 'permit' : 'forbid';
  cedarPolicies[id] = `${effect} (principal, action == Action::"pricing.set_price", resource) when { ${rule.atoms.map((a) => `(${a.cedar})`).join(rule.join === 'and' ? ' && ' : ' || ')} };`;
});
const parsed = cedar.preparsePolicySet('policy-eval', { staticPolicies: cedarPolicies });
if (parsed.type !== 'success') throw new Error(`cedar refused the policies: ${JSON.stringify(parsed.errors)}`);

// ---- The same random actions for both ------------------------------------------------

type Sample = Readonly<{ action: Action; cedarCall: cedar.StatefulAuthorizationCall }>;

function sample(): Sample {
  const margin = random.int(500, 6000);
  const pMargin = random.int(0, 10_000);
  const pStockout = random.int(0, 10_000);
  const input = { productId: `p_${random.int(1, 500)}`, priceMinor: random.int(500, 5000), currentPriceMinor: random.int(500, 5000), costMinor: random.int(200, 3000) };
  const context = { inventoryUnits: random.int(0, 1000), reconciled: true, riskChecked: true };
  const cashRunwayDays = random.int(0, 365);
  const role = random.pick(['agent', 'operator', 'founder'] as const);
  const autonomous = random.next() < 0.5;
  const action: Action = {
    orgUnitId: 'lsn_main',
    actor: { id: `${role}_1`, kind: role === 'agent' ? 'agent' : 'user', role },
    tool: 'pricing.set_price',
    input,
    context,
    projected: { marginPercent: margin / 10_000, cashRunwayDays },
    risk: { pMarginBelowFloor: pMargin / 10_000, pStockout: pStockout / 10_000 },
    autonomous,
  };
  const decimal = (tenThousandths: number) => ({ __extn: { fn: 'decimal', arg: decimal4(tenThousandths) } });
  const cedarCall: cedar.StatefulAuthorizationCall = {
    principal: { type: 'Actor', id: action.actor.id },
    action: { type: 'Action', id: action.tool },
    resource: { type: 'Tool', id: action.tool },
    context: {
      tool: action.tool,
      domain: 'pricing',
      autonomous,
      actor: { role },
      input,
      context,
      projected: { marginPercent: decimal(margin), cashRunwayDays },
      risk: { pMarginBelowFloor: decimal(pMargin), pStockout: decimal(pStockout) },
    },
    preparsedPolicySetId: 'policy-eval',
    entities: [],
  };
  return { action, cedarCall };
}

const samples = Array.from({ length: contextsCount }, sample);
const actions = samples.map((s) => s.action);

function cedarOutcome(call: cedar.StatefulAuthorizationCall): VerdictOutcome {
  const answer = cedar.statefulIsAuthorized(call);
  if (answer.type !== 'success') throw new Error(`cedar failed: ${JSON.stringify(answer.errors)}`);
  if (answer.response.diagnostics.errors.length > 0) throw new Error(`cedar policy errors: ${JSON.stringify(answer.response.diagnostics.errors)}`);
  if (answer.response.decision === 'allow') return 'allow';
  return answer.response.diagnostics.reason.some((id) => id.startsWith('deny:')) ? 'deny' : 'require_approval';
}

// ---- Agreement -----------------------------------------------------------------------

const outcomes = { allow: 0, require_approval: 0, deny: 0 };
let agreed = 0;
const disagreements: string[] = [];
for (const { action, cedarCall } of samples) {
  const ours = evaluatePolicies(policies, action);
  const theirs = cedarOutcome(cedarCall);
  outcomes[ours.outcome] += 1;
  if (ours.failClosed.length === 0 && ours.outcome === theirs) agreed += 1;
  else if (disagreements.length < 3) disagreements.push(JSON.stringify({ ours, theirs, action }));
}
const agreement = agreed / samples.length;

// ---- Throughput and latency ----------------------------------------------------------

let sink = 0;

/** Verdicts per second over whole passes of the actions, for about `seconds`. */
function throughput(evaluate: (i: number) => VerdictOutcome, count: number, seconds: number): number {
  let done = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(seconds * 1e9));
  let now = start;
  do {
    for (let i = 0; i < count; i += 1) if (evaluate(i) === 'deny') sink += 1;
    done += count;
    now = process.hrtime.bigint();
  } while (now < deadline);
  return done / (Number(now - start) / 1e9);
}

/**
 * Per-verdict latency from batches of `batchSize` consecutive verdicts, each batch timed
 * with hrtime and the timer's own cost (an empty batch, median) taken off: batches keep
 * the clock's overhead from dominating sub-microsecond verdicts, and are small enough that
 * a slow verdict (a GC pause, a deopt) still shows in its batch's figure.
 */
function latencies(evaluate: (i: number) => VerdictOutcome, count: number, batches: number): Float64Array {
  const empty = new Float64Array(1000);
  for (let b = 0; b < empty.length; b += 1) {
    const t0 = process.hrtime.bigint();
    empty[b] = Number(process.hrtime.bigint() - t0);
  }
  const overhead = empty.sort()[empty.length >> 1] ?? 0;
  const perVerdict = new Float64Array(batches);
  let i = 0;
  for (let b = 0; b < batches; b += 1) {
    const t0 = process.hrtime.bigint();
    for (let k = 0; k < batchSize; k += 1) {
      if (evaluate(i) === 'deny') sink += 1;
      i = i + 1 === count ? 0 : i + 1;
    }
    perVerdict[b] = Math.max(0, Number(process.hrtime.bigint() - t0) - overhead) / batchSize;
  }
  return perVerdict.sort();
}

const percentile = (sorted: Float64Array, p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] ?? Number.NaN;

const ours = (i: number) => evaluatePolicies(policies, actions[i] as Action).outcome;
const theirs = (i: number) => cedarOutcome((samples[i] as Sample).cedarCall);

throughput(ours, actions.length, 0.5); // warm-up: JIT
const oursRates: number[] = [];
const cedarRates: number[] = [];
for (let round = 0; round < rounds; round += 1) {
  oursRates.push(throughput(ours, actions.length, roundSeconds));
  cedarRates.push(throughput(theirs, Math.min(samples.length, 2000), roundSeconds / 2));
}
const oursLatency = latencies(ours, actions.length, 250_000);
const cedarLatency = latencies(theirs, samples.length, 2_000);

const value = median(oursRates);
const baselineValue = median(cedarRates);
const micros = (ns: number) => Math.round(ns) / 1000;

printReport({
  name: 'policy-eval',
  metric: 'verdicts_per_second',
  value,
  unit: 'verdicts/s',
  baseline: 'cedar-wasm',
  baselineValue,
  ratio: value / baselineValue,
  target: 'value >= 500000, p99Micros <= 5, ratio >= 20, agreement == 1',
  p50Micros: micros(percentile(oursLatency, 0.5)),
  p99Micros: micros(percentile(oursLatency, 0.99)),
  p999Micros: micros(percentile(oursLatency, 0.999)),
  baselineP99Micros: micros(percentile(cedarLatency, 0.99)),
  agreement,
  contexts: samples.length,
  rules: policies.reduce((n, policy) => n + policy.rules.length, 0),
  rulesPerVerdict: policies.filter((policy) => policy.patterns.some((p) => p.text === '*' || p.text === 'pricing.set_price' || p.text === 'pricing.*')).reduce((n, policy) => n + policy.rules.length, 0),
  outcomes,
  batchSize,
  cedarVersion: cedar.getCedarVersion(),
});
if (sink < 0) process.stderr.write('unreachable\n');
if (agreement !== 1) {
  process.stderr.write(`policy-eval: verdicts disagree with cedar, e.g.\n${disagreements.join('\n')}\n`);
  process.exitCode = 1;
}
