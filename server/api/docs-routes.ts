import type { FastifyInstance } from 'fastify';
import type { OperationSet } from './operation.js';
import { openApiDocument } from './openapi.js';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** /docs: a readable index of the API; /docs/openapi.json: the machine-readable document. */
export function serveDocs(
  app: FastifyInstance,
  operations: OperationSet,
  info: { version: string; serverUrl: string },
  extraPaths: Record<string, Record<string, unknown>> = {},
): void {
  const document = JSON.stringify(openApiDocument(operations, info, extraPaths));
  const rows = Object.entries(operations)
    .map(
      ([name, op]) =>
        `<tr><td><code>${op.method}</code></td><td><code>${escape(op.path)}</code></td><td><code>businessOS.${name}</code> (${op.kind})</td><td>${escape(op.access.join(', '))}</td><td>${escape(op.summary)}</td></tr>`,
    )
    .join('\n');
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Business OS API</title>
<meta name="color-scheme" content="light dark">
<style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem;max-width:80rem}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #8884;padding:.35rem .5rem;text-align:left;vertical-align:top}code{font-size:.9em}</style>
</head><body><h1>Business OS API</h1>
<p>The OpenAPI document: <a href="/docs/openapi.json">/docs/openapi.json</a>. Send <code>Authorization: Bearer &lt;token&gt;</code>.
Errors are <code>application/problem+json</code> with a stable <code>code</code>. Every operation is also a procedure of the tRPC router <code>businessOS</code> at <code>/trpc</code> (superjson).</p>
<table><thead><tr><th>method</th><th>path</th><th>tRPC</th><th>roles</th><th>what it does</th></tr></thead><tbody>
${rows}
</tbody></table></body></html>`;
  app.get('/docs', { config: { rateLimit: false } }, (_request, reply) => reply.type('text/html; charset=utf-8').send(page));
  app.get('/docs/openapi.json', { config: { rateLimit: false } }, (_request, reply) => reply.type('application/json; charset=utf-8').send(document));
}
