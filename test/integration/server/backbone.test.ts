import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabasePool, endPool } from '../../../db/pool.js';
import { buildApp } from '../../../server/app.js';
import { loadConfig } from '../../../server/config/config.js';
import type { Readiness } from '../../../server/http/health.js';
import { createLogger } from '../../../server/logging.js';
import { textSink } from '../../support/in-process-cli.js';
import { startTcpProxy } from '../../support/tcp-proxy.js';
import { bearer, createAppFixture, type AppFixture } from '../../support/app-fixture.js';

let f: AppFixture;
beforeAll(async () => {
  f = await createAppFixture();
});
afterAll(async () => {
  await f.close();
});

const testConfig = (env: NodeJS.ProcessEnv = {}) => loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env });

describe('health', () => {
  it('is live and ready on a migrated database', async () => {
    expect((await f.built.app.inject('/livez')).json()).toEqual({ status: 'live' });
    const ready = await f.built.app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', migrations: 'ok' } });
  });

  it('is not ready, and keeps /api closed, while migrations run and while shutting down', async () => {
    const readiness: Readiness = { state: 'migrating' };
    const config = testConfig();
    const { app } = await buildApp({ config, database: f.db, logger: createLogger(config), readiness });
    try {
      expect((await app.inject('/livez')).statusCode).toBe(200);
      const notReady = await app.inject('/readyz');
      expect(notReady.statusCode).toBe(503);
      expect(notReady.json()).toMatchObject({ code: 'NOT_READY', detail: 'Database migrations are running' });
      const api = await app.inject({ url: '/api/me', headers: bearer(f.tokens.viewer) });
      expect(api.statusCode).toBe(503);
      readiness.state = 'serving';
      expect((await app.inject('/readyz')).statusCode).toBe(200);
      readiness.state = 'shutting_down';
      expect((await app.inject('/readyz')).json()).toMatchObject({ code: 'NOT_READY', detail: 'The server is shutting down' });
    } finally {
      await app.close();
    }
  });

  it('is not ready when the database does not answer', async () => {
    const target = new URL(f.db.url);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const viaProxy = new URL(f.db.url);
    viaProxy.port = String(proxy.port);
    const pool = await createDatabasePool(viaProxy.toString(), { maximumPoolSize: 1, searchPath: f.db.schema });
    const config = testConfig();
    const { app } = await buildApp({ config, database: { pool, kind: 'postgres' }, logger: createLogger(config), readiness: { state: 'serving' } });
    try {
      expect((await app.inject('/readyz')).statusCode).toBe(200);
      await proxy.cut();
      const response = await app.inject('/readyz');
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({ code: 'DATABASE_UNAVAILABLE' });
      expect(response.body).not.toContain(String(proxy.port));
    } finally {
      await app.close();
      await endPool(pool);
    }
  });

  it('is not ready when a shipped migration is missing from the database', async () => {
    await f.db.pool.query((await import('slonik')).sql.unsafe`DELETE FROM schema_migrations WHERE name = '006_learning'`);
    const config = testConfig();
    const { app } = await buildApp({ config, database: f.db, logger: createLogger(config), readiness: { state: 'serving' } });
    try {
      const response = await app.inject('/readyz');
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({ code: 'NOT_READY', missing: ['006_learning'] });
    } finally {
      await app.close();
      await f.db.pool.query((await import('slonik')).sql.unsafe`INSERT INTO schema_migrations (name, run_on) VALUES ('006_learning', now())`);
    }
  });
});

describe('cross-cutting HTTP behaviour', () => {
  it('exposes Prometheus metrics, labelled by route pattern', async () => {
    await f.built.app.inject({ url: `/api/org-units/${f.orgUnitId}/products`, headers: bearer(f.tokens.viewer) });
    const metrics = await f.built.app.inject('/metrics');
    expect(metrics.statusCode).toBe(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    expect(metrics.body).toContain('bos_http_request_duration_seconds_count{method="GET",route="/api/org-units/:orgUnitId/products",status="200"}');
    expect(metrics.body).toContain('bos_process_cpu_seconds_total');
  });

  it('echoes a sane request id and replaces an unsafe one', async () => {
    const echoed = await f.built.app.inject({ url: '/livez', headers: { 'x-request-id': 'trace-42.a_b' } });
    expect(echoed.headers['x-request-id']).toBe('trace-42.a_b');
    const replaced = await f.built.app.inject({ url: '/livez', headers: { 'x-request-id': 'bad id\u0001<script>' } });
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const problem = await f.built.app.inject({ url: '/nowhere', headers: { 'x-request-id': 'trace-43' } });
    expect(problem.json()).toMatchObject({ requestId: 'trace-43', instance: '/nowhere', code: 'NOT_FOUND', status: 404 });
  });

  it('sets security headers on every answer, errors included: the full helmet set on pages, the API subset on JSON', async () => {
    for (const url of ['/livez', '/nowhere', '/docs', '/api/me', `/api/org-units/${f.orgUnitId}`, '/trpc/businessOS.getMe']) {
      const response = await f.built.app.inject(url);
      expect(response.headers['x-content-type-options'], url).toBe('nosniff');
      expect(response.headers['strict-transport-security'], url).toMatch(/max-age=/);
      expect(response.headers['content-security-policy'], url).toMatch(/default-src '(self|none)'/);
    }
    const page = await f.built.app.inject('/docs');
    expect(page.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(page.headers['cross-origin-opener-policy']).toBe('same-origin');
    const api = await f.built.app.inject({ url: '/api/me', headers: bearer(f.tokens.viewer) });
    expect(api.headers['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none'");
    expect(api.headers['x-frame-options']).toBe('DENY');
    expect(api.headers['x-ratelimit-remaining']).toBeUndefined();
  });

  it('rate-limits per token with a 429 problem', async () => {
    const config = testConfig({ RATE_LIMIT_PER_MINUTE: '3' });
    const { app } = await buildApp({ config, database: f.db, logger: createLogger(config), readiness: { state: 'serving' } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i += 1) statuses.push((await app.inject({ url: '/api/me', headers: bearer(f.tokens.viewer) })).statusCode);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const limited = await app.inject({ url: '/api/me', headers: bearer(f.tokens.viewer) });
      expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(limited.json()).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
      // Another token has its own budget.
      expect((await app.inject({ url: '/api/me', headers: bearer(f.tokens.founder) })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('logs with request ids and never logs secrets', async () => {
    const sink = textSink();
    const config = testConfig({ LOG_LEVEL: 'info' });
    const logger = createLogger(config, sink.stream);
    const { app } = await buildApp({ config, database: f.db, logger, readiness: { state: 'serving' } });
    try {
      await app.inject({ url: '/api/me', headers: { ...bearer(f.tokens.founder), 'x-request-id': 'log-test-1' } });
      logger.info({ req: { headers: { authorization: `Bearer ${f.tokens.founder}`, cookie: 'sid=abc' } }, token: f.tokens.founder }, 'probe');
      const text = sink.text();
      expect(text).toContain('"reqId":"log-test-1"');
      expect(text).toContain('[redacted]');
      expect(text).not.toContain(f.tokens.founder);
      expect(text).not.toContain('sid=abc');
    } finally {
      await app.close();
    }
  });

  it('answers a wrong method or unknown route with a problem, not an HTML page', async () => {
    const response = await f.built.app.inject({ method: 'PATCH', url: '/api/me', headers: bearer(f.tokens.viewer) });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});
