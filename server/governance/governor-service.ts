import { randomUUID } from 'node:crypto';
import {
  actionHash,
  createPolicySet,
  evaluateAction,
  type Action,
  type FailClosed,
  type Verdict,
} from '../../engine/governance/index.js';
import type { NewVerdict } from '../../db/queries/verdicts.js';
import type { AuditInput } from '../../engine/governance/audit/index.js';
import { AppError } from '../errors/catalog.js';
import { systemActor, type GovernanceDeps } from './governance-deps.js';
import type { IncidentService } from './incident-service.js';
import type { KillSwitchStateCache } from './kill-switch-state.js';
import { requiresPolicy, type LoadedPolicies, type PolicySets } from './policy-sets.js';
import { createVerdictRecorder } from './verdict-recorder.js';

/** A verdict as stored: every verdict has an id, and the hash of the exact action it judged. */
export type RecordedVerdict = Verdict &
  Readonly<{
    id: string;
    orgUnitId: string;
    tool: string;
    actorId: string;
    actionHash: string;
    /** The clock reading the verdict was evaluated at, ISO 8601. */
    evaluatedAt: string;
    /** The incident a fail-closed verdict opened or joined. */
    incidentId: string | undefined;
  }>;

/** A verdict reached but not yet stored: its row and its audit entry, for a caller that writes them in its own transaction. */
export type Judgement = Readonly<{ verdict: RecordedVerdict; row: NewVerdict; audit: AuditInput }>;

export type GovernorService = {
  /** Evaluates, stores the verdict, audits it, and opens an incident when it failed closed. */
  evaluate(action: Action): Promise<RecordedVerdict>;
  /**
   * Evaluates and writes nothing: the caller stores `row` and appends `audit` in the
   * transaction that acts on the verdict (the workflow runtime's step batches). A
   * fail-closed verdict needs its incident, so callers send those through evaluate().
   */
  judge(action: Action): Promise<Judgement>;
  /** evaluate(), then 403 GOV_DENIED (naming the verdict) unless the outcome is allow. */
  authorize(action: Action): Promise<RecordedVerdict>;
  /** Settles once every verdict row handed to the recorder is written. */
  flush(): Promise<void>;
};

export type GovernorServiceDeps = GovernanceDeps &
  Readonly<{
    policySets: PolicySets;
    killSwitch: KillSwitchStateCache;
    incidents: IncidentService;
    /** Fail-closed verdicts with the same failures within this window join one incident (default 10 min). */
    incidentCoalesceMs?: number;
  }>;

/**
 * Governance actions (`governance.*`: approving, policy changes, the kill switch) are judged
 * by the hard invariants alone. Policies are operator-tunable text; one that fails closed
 * on every tool must not be able to stop a founder from retiring it or engaging the switch.
 */
const invariantsOnly: LoadedPolicies = Object.freeze({ enforced: createPolicySet([]), shadow: undefined });
const isGovernanceTool = (tool: string) => tool.startsWith('governance.');

export function createGovernorService(deps: GovernorServiceDeps): GovernorService {
  const { pool, audit, clock, logger, policySets, killSwitch, incidents } = deps;
  const coalesceMs = deps.incidentCoalesceMs ?? 10 * 60_000;
  const recorder = createVerdictRecorder(pool);
  const openIncidents = new Map<string, { incidentId: Promise<string>; openedAt: number }>();

  /** One incident per distinct failure per window: a broken policy on a busy tool is one problem, not thousands. */
  function failClosedIncident(action: Action, verdictId: string, failures: readonly FailClosed[]): Promise<string> {
    const now = clock.now();
    for (const [key, open] of openIncidents) if (now - open.openedAt >= coalesceMs) openIncidents.delete(key);
    const key = `${action.orgUnitId}|${failures.map((f) => `${f.policy}@${f.version}#${f.rule}:${f.code}`).sort().join(',')}`;
    const existing = openIncidents.get(key);
    if (existing) return existing.incidentId;
    const incidentId = incidents
      .open(
        {
          orgUnitId: action.orgUnitId,
          severity: 'high',
          source: 'policy',
          title: `Policy evaluation failed closed on ${action.tool}`.slice(0, 500),
          description: failures.map((f) => `${f.policy} v${f.version} rule ${f.rule} (${f.code}): ${f.reason}`).join('\n').slice(0, 10_000),
          links: [{ kind: 'verdict', id: verdictId }],
        },
        systemActor,
      )
      .then((incident) => incident.id);
    openIncidents.set(key, { incidentId, openedAt: now });
    // A failed open is not remembered, so the next fail-closed verdict tries again.
    incidentId.catch(() => openIncidents.delete(key));
    return incidentId;
  }

  async function judge(proposed: Action): Promise<Judgement> {
    const hash = actionHash(proposed);
    const action = judgedAction(proposed);
    const orgUnitId = action.orgUnitId;
    const [sets] = await Promise.all([isGovernanceTool(action.tool) ? invariantsOnly : policySets.get(orgUnitId), killSwitch.refresh(orgUnitId)]);
    // The switch, the clock and the evaluation are read in one synchronous step: no engage can fall between them.
    const state = { killSwitch: killSwitch.current(orgUnitId) };
    const evaluatedAt = clock.now();
    const verdict = evaluateSafely(action, state, sets);
    const id = randomUUID();
    if (verdict.shadow && verdict.shadow.outcome !== verdict.outcome) {
      logger.info({ orgUnitId, verdictId: id, tool: action.tool, outcome: verdict.outcome, shadowOutcome: verdict.shadow.outcome }, 'governance: shadow policies disagree');
    }
    const row: NewVerdict = {
      id,
      orgUnitId,
      actionHash: hash,
      tool: action.tool,
      actor: action.actor.id,
      outcome: verdict.outcome,
      failClosed: verdict.failClosed,
      reasonsJson: JSON.stringify(verdictReasons(verdict)),
      policyVersionsJson: JSON.stringify(verdict.policyVersions),
      shadowJson: JSON.stringify(verdict.shadow ? [verdict.shadow] : []),
      at: new Date(evaluatedAt),
    };
    const audit: AuditInput = {
      kind: 'verdict',
      actor: action.actor.id,
      data: {
        verdictId: id,
        tool: action.tool,
        actionHash: hash,
        autonomous: action.autonomous,
        outcome: verdict.outcome,
        failClosed: verdict.failClosed,
        invariants: verdict.invariants,
        matched: verdict.matched,
        failures: verdict.failures,
        policyVersions: verdict.policyVersions,
        shadow: verdict.shadow,
      },
    };
    const recorded: RecordedVerdict = {
      ...verdict,
      id,
      orgUnitId,
      tool: action.tool,
      actorId: action.actor.id,
      actionHash: hash,
      evaluatedAt: new Date(evaluatedAt).toISOString(),
      incidentId: undefined,
    };
    return { verdict: recorded, row, audit };
  }

  const service: GovernorService = {
    async evaluate(proposed) {
      const { verdict, row, audit: entry } = await judge(proposed);
      const [incidentId] = await Promise.all([
        verdict.failClosed ? failClosedIncident(proposed, verdict.id, verdict.failures) : Promise.resolve(undefined),
        recorder.record(row),
        audit.append(verdict.orgUnitId, entry),
      ]);
      return { ...verdict, incidentId };
    },

    judge,

    async authorize(action) {
      const verdict = await service.evaluate(action);
      if (verdict.outcome !== 'allow') throw governanceDenied(verdict);
      return verdict;
    },

    flush: () => recorder.flush(),
  };
  return service;
}

/**
 * An agent never acts by a person's own hand: whatever the caller says, its actions are
 * judged as autonomous, so the kill switch (which stops autonomous actions) always covers them.
 */
function judgedAction(action: Action): Action {
  const byAgent = action.actor.kind === 'agent' || action.actor.role === 'agent';
  return byAgent && !action.autonomous ? { ...action, autonomous: true } : action;
}

/** `domain.verb`, lowercase; governance tools have one more segment (`governance.policy.create`). */
const toolNamePattern = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

/** The verdict, or a fail-closed deny if evaluating itself threw: an error never allows. */
function evaluateSafely(action: Action, state: Parameters<typeof evaluateAction>[0]['state'], sets: LoadedPolicies): Verdict {
  // Patterns and kill-switch scopes match tool names exactly; `Pricing.set_price` must not slip past both.
  if (!toolNamePattern.test(action.tool)) return failedClosed('TOOL_NAME_INVALID', `${JSON.stringify(action.tool)} is not a tool name (lowercase domain.verb)`);
  try {
    return evaluateAction({ action, state, enforced: sets.enforced, shadow: sets.shadow, requirePolicyFor: requiresPolicy });
  } catch (error) {
    return failedClosed('GOVERNOR_ERROR', error instanceof Error ? error.message : String(error));
  }
}

function failedClosed(code: string, reason: string): Verdict {
  return {
    outcome: 'deny',
    failClosed: true,
    invariants: [],
    matched: [],
    failures: [{ policy: '(governor)', version: 0, rule: 0, code, reason }],
    policyVersions: [],
    shadow: undefined,
  };
}

/** Every reason in one list, each tagged with where it came from (the verdicts.reasons column). */
export function verdictReasons(verdict: Verdict): Record<string, unknown>[] {
  return [
    ...verdict.invariants.map((refusal) => ({ kind: 'invariant', ...refusal })),
    ...verdict.matched.map((match) => ({ kind: 'rule', ...match })),
    ...verdict.failures.map((failure) => ({ kind: 'fail_closed', ...failure })),
  ];
}

/** Why a verdict did not allow, in words a caller can act on. */
export function refusalMessages(verdict: Verdict): string[] {
  return [
    ...verdict.invariants.map((refusal) => refusal.message),
    ...verdict.matched.filter((match) => match.effect !== 'allow').map((match) => `${match.policy} v${match.version}: ${match.message}`),
    ...verdict.failures.map((failure) => `${failure.policy} v${failure.version} could not be evaluated (${failure.code}): ${failure.reason}`),
  ];
}

export function governanceDenied(verdict: RecordedVerdict): AppError {
  const reasons = refusalMessages(verdict);
  const summary = verdict.outcome === 'require_approval' ? 'needs approval' : verdict.failClosed ? 'was denied (fail closed)' : 'was denied';
  return new AppError('GOV_DENIED', `${verdict.tool} ${summary}: ${reasons.join('; ') || 'no reason recorded'}`, {
    verdictId: verdict.id,
    outcome: verdict.outcome,
    failClosed: verdict.failClosed,
    reasons,
  });
}
