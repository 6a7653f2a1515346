import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveConsole } from '../../../server/http/console-files.js';
import { installErrorHandling } from '../../../server/http/error-handler.js';

const bootScript = 'window.__boot = 1;';
const page = `<!doctype html><html><head><script type="module" src="/ops-console/_app/start.js"></script></head><body><script>${bootScript}</script></body></html>`;
let buildDir: string;
let app: FastifyInstance;
let unbuilt: FastifyInstance;

beforeAll(async () => {
  buildDir = await mkdtemp(join(tmpdir(), 'console-build-'));
  await mkdir(join(buildDir, '_app', 'immutable'), { recursive: true });
  await writeFile(join(buildDir, 'index.html'), page);
  await writeFile(join(buildDir, '_app', 'immutable', 'entry.js'), 'export const entry = 1;');
  app = Fastify();
  installErrorHandling(app);
  serveConsole(app, { buildDir });
  unbuilt = Fastify();
  installErrorHandling(unbuilt);
  serveConsole(unbuilt, { buildDir: join(buildDir, 'missing') });
});
afterAll(async () => {
  await app.close();
  await unbuilt.close();
  await rm(buildDir, { recursive: true, force: true });
});

describe('the console under /ops-console', () => {
  it('answers every page path with the app, allowing its one inline script by hash', async () => {
    for (const url of ['/ops-console', '/ops-console/approvals', '/ops-console/workflows?x=1']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.body).toBe(page);
      const hash = createHash('sha256').update(bootScript).digest('base64');
      expect(response.headers['content-security-policy']).toContain(`script-src 'self' 'sha256-${hash}'`);
      expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    }
  });

  it('sends built assets with their type and caches the immutable ones for a year', async () => {
    const response = await app.inject({ method: 'GET', url: '/ops-console/_app/immutable/entry.js' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(response.body).toBe('export const entry = 1;');
  });

  it('never sends a file from outside the build', async () => {
    for (const url of ['/ops-console/%2e%2e/%2e%2e/package.json', '/ops-console/..%2f..%2fpackage.json', '/ops-console/%00']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.body).not.toContain('"name"');
    }
  });

  it('says how to build the console when it is not built', async () => {
    const response = await unbuilt.inject({ method: 'GET', url: '/ops-console/approvals' });
    expect(response.statusCode).toBe(503);
    expect(response.json().detail).toBe('The console is not built: run "npm run build:console"');
  });
});
