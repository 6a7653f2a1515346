import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { DatabasePool } from 'slonik';
import { operatorRoles } from '../../engine/kernel/index.js';
import { orgParamsSchema } from '../contracts/common.js';
import { validationFailed } from '../errors/catalog.js';
import { zodFieldErrors } from '../errors/problem.js';
import { exportAuditChain } from '../governance/audit-export.js';

export const auditExportPath = '/api/org-units/:orgUnitId/audit/export';

/** How the streaming export appears in the OpenAPI document (it is not an operation: it streams). */
export const auditExportDoc = {
  '/api/org-units/{orgUnitId}/audit/export': {
    get: {
      operationId: 'exportAudit',
      summary: "The org unit's audit chain as JSON Lines (docs/audit-format.md), verified while it streams",
      tags: ['audit'],
      description:
        'Roles: founder, operator. REST only. When the stream ends, its checkpoint (head hash, count) is stored: fetch it with getAuditCheckpoint. A broken chain ends the stream early; run verifyAudit to see where.',
      parameters: [{ name: 'orgUnitId', in: 'path', required: true, schema: { type: 'string' } }],
      responses: { 200: { description: 'JSON Lines', content: { 'application/x-ndjson': { schema: { type: 'string' } } } } },
    },
  },
};

/** Streams the chain as it is verified, so memory stays flat however long the chain is. */
export function serveAuditExport(app: FastifyInstance, deps: { pool: DatabasePool }): void {
  app.get(auditExportPath, { config: { access: operatorRoles } }, (request, reply) => {
    const params = orgParamsSchema.safeParse(request.params);
    if (!params.success) throw validationFailed(zodFieldErrors(params.error, 'params'));
    const { orgUnitId } = params.data;
    const body = new PassThrough();
    exportAuditChain(deps.pool, orgUnitId, body).then(
      () => body.end(),
      (error: unknown) => {
        request.log.error({ err: error, orgUnitId }, 'audit export stopped');
        body.destroy(error as Error);
      },
    );
    return reply
      .type('application/x-ndjson; charset=utf-8')
      .header('content-disposition', `attachment; filename="audit-${orgUnitId}.jsonl"`)
      .send(body);
  });
}
