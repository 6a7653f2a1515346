import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Role } from '../../../engine/kernel/index.js';
import { createAppFixture, type AppFixture } from '../../support/app-fixture.js';

const chainModulePath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../support/workflows/chain-workflows.ts');

/** The real server on a real port, with its workflow runtime running the test chain workflows. */
export type ConsoleServer = {
  fixture: AppFixture;
  origin: string;
  consoleUrl: string;
  /** A call to the REST API as a user of that role would make it (bearer token, real HTTP). */
  api<T = unknown>(role: Role, method: string, url: string, body?: unknown): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
};

export async function startConsoleServer(): Promise<ConsoleServer> {
  const fixture = await createAppFixture({ BOS_WORKFLOW_MODULES: chainModulePath });
  await fixture.built.runtime.start();
  const origin = await fixture.built.app.listen({ host: '127.0.0.1', port: 0 });
  return {
    fixture,
    origin,
    consoleUrl: `${origin}/ops-console`,
    async api<T>(role: Role, method: string, url: string, body?: unknown) {
      const response = await fetch(`${origin}${url}`, {
        method,
        headers: { authorization: `Bearer ${fixture.tokens[role]}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
    },
    close: () => fixture.close(),
  };
}

/** A fresh browser context (its own cookies), logged in through the console's login page. */
export async function logIn(browser: Browser, server: ConsoleServer, role: Role, options: { colorScheme?: 'light' | 'dark' } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: options.colorScheme ?? 'light' });
  const page = await context.newPage();
  await page.goto(server.consoleUrl);
  await page.getByLabel('API token').fill(server.fixture.tokens[role]);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Dashboard');
  await expect.poll(() => page.getByText('Stream live').count()).toBe(1);
  return { context, page };
}
