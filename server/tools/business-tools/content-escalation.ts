import { z } from 'zod';
import { escalationKeyLine, findIncidentByEscalationKey } from '../../../db/queries/escalations.js';
import { contentChannels } from '../../../engine/content/index.js';
import { systemActor } from '../../governance/governance-deps.js';
import type { IncidentService } from '../../governance/incident-service.js';
import { defineTool } from '../tool-implementation.js';
import { businessToolDefaults } from './tool-defaults.js';

const maxQuotedText = 4_000;

/**
 * Hands content no try could make pass to a person: an incident saying what was asked, each
 * try's reasons, and the last text, for someone to rewrite or drop. Keyed: the incident
 * names the call's key, so a repeat after a crash finds it instead of opening a second.
 */
export function createEscalateContentTool(incidents: Pick<IncidentService, 'open'>) {
  return defineTool({
    spec: {
      ...businessToolDefaults,
      name: 'content.escalate',
      description: 'Opens an incident handing content that failed evaluation to a person, with every try’s reasons.',
      input: z.object({
        sku: z.string().min(1).max(64),
        channel: z.enum(contentChannels),
        attempts: z.number().int().min(0).max(10),
        failures: z.array(z.string().max(2_000)).max(20),
        lastText: z.string().max(20_000).optional(),
      }),
      output: z.object({ incidentId: z.string().uuid(), duplicate: z.boolean() }),
      effect: 'write',
      risk: 'low',
      idempotency: 'keyed',
    },
    async execute(context, input) {
      const { orgUnitId } = context;
      const earlier = await findIncidentByEscalationKey(context.db, { orgUnitId, key: context.idempotencyKey });
      if (earlier !== null) return { incidentId: earlier, duplicate: true };
      const lines = [
        `${input.channel} content for ${input.sku} did not pass the evaluator in ${input.attempts} ${input.attempts === 1 ? 'try' : 'tries'}; a person should rewrite it or drop the request.`,
        '',
        ...input.failures.map((reason) => `- ${reason}`),
        ...(input.lastText === undefined ? [] : ['', 'Last text:', input.lastText.slice(0, maxQuotedText)]),
        '',
        escalationKeyLine(context.idempotencyKey),
      ];
      const incident = await incidents.open(
        {
          orgUnitId,
          severity: 'medium',
          source: 'workflow',
          title: `Content for ${input.sku} (${input.channel}) needs a person: ${input.attempts} tries failed evaluation`.slice(0, 500),
          description: lines.join('\n').slice(0, 10_000),
        },
        systemActor,
      );
      return { incidentId: incident.id, duplicate: false };
    },
  });
}
