import type { Browser, Page } from 'playwright-core';
import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, launchChromium, screenshot } from './support/browser.js';
import { logIn, startConsoleServer, type ConsoleServer } from './support/console-server.js';

let server: ConsoleServer;
let browser: Browser;
beforeAll(async () => {
  server = await startConsoleServer();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const org = () => `/api/org-units/${server.fixture.orgUnitId}`;
const soon = { timeout: 30_000, interval: 100 };
const heading = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();

async function openPage(page: Page, name: string, title: string) {
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name, exact: false }).click();
  await expect.poll(() => heading(page), soon).toContain(title);
}

async function reportSnapshot(day: number, revenueMinor: number) {
  const reported = await server.api('agent', 'POST', '/api/events', {
    type: 'metrics.snapshot',
    idempotencyKey: `e2e-snapshot-${day}`,
    occurredAt: new Date(Date.UTC(2026, 10, 1 + day)).toISOString(),
    payload: { revenueMinor, orders: 40 + day, marginPercent: 0.31, cashMinor: 9_000_000, runwayDays: 60 - day },
  });
  expect(reported.status).toBeLessThan(300);
}

describe('the control room in Chromium', () => {
  it('logs in with a token, shows who is logged in, and refuses a wrong token with the reason', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(server.consoleUrl);
    await page.getByLabel('API token').fill('bos_not_a_real_token');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent(), soon).toContain('unknown, revoked or expired');
    await page.getByLabel('API token').fill(server.fixture.tokens.founder);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => heading(page), soon).toBe('Dashboard');
    await expect.poll(() => page.getByText('founder-1 (founder)').count(), soon).toBe(1);
    // The session survives a reload: it is the cookie, not page state.
    await page.reload();
    await expect.poll(() => heading(page), soon).toBe('Dashboard');
    await context.close();
  });

  it('shows live events and new figures without a reload, and a paused stream catches up on resume', async () => {
    const { context, page } = await logIn(browser, server, 'operator');
    await reportSnapshot(1, 1_234_500);
    await expect.poll(() => page.getByTestId('revenue').textContent(), soon).toBe('$12,345');
    const decided = await server.api<{ id: string }>('agent', 'POST', `${org()}/decisions`, {
      decisionType: 'pricing',
      context: { revenue: 50000, orders: 1000, marginPercent: 0.25 },
    });
    expect(decided.status).toBe(200);
    await expect.poll(() => page.getByTestId('live-event').filter({ hasText: 'decision.made' }).count(), soon).toBeGreaterThan(0);
    await expect.poll(() => page.getByRole('region', { name: 'Recent decisions' }).textContent(), soon).toContain('pricing');

    await page.getByRole('button', { name: 'Pause live updates' }).click();
    await expect.poll(() => page.getByText('Stream paused').count(), soon).toBe(1);
    const before = await page.getByTestId('live-event').count();
    await reportSnapshot(2, 2_000_000);
    await page.getByRole('button', { name: 'Resume live updates' }).click();
    // Resumed from the last sequence number: what happened while paused is backfilled.
    await expect.poll(() => page.getByTestId('live-event').count(), soon).toBeGreaterThan(before);
    await expect.poll(() => page.getByTestId('revenue').textContent(), soon).toBe('$20,000');
    await screenshot(page, 'dashboard');
    await context.close();
  });

  it('approves from the inbox by keyboard, and the waiting workflow runs on to completion', async () => {
    const founder = { id: 'founder-e2e', kind: 'user', role: 'founder' } as const;
    const { policies } = server.fixture.built.governance;
    const policy = await policies.createVersion(
      server.fixture.orgUnitId,
      'e2e_step_two_checked',
      'policy e2e_step_two_checked\n  on test.write_effect\n  require_approval when action.input.step == 2\n  because "step two is checked by a person"\n',
      founder,
    );
    await policies.activate(server.fixture.orgUnitId, 'e2e_step_two_checked', policy.version, founder);
    try {
      const { context, page } = await logIn(browser, server, 'operator');
      await openPage(page, 'Approvals', 'Approvals');
      const started = await server.api<{ id: string }>('operator', 'POST', `${org()}/workflows/wf_test_chain3/runs`, { idempotencyKey: 'e2e-approval', payload: { chain: 'e2e-approval' } });
      expect(started.status).toBeLessThan(300);
      // The card arrives live: the action, the policy's reason and the requester are on it.
      const card = page.getByRole('article').filter({ hasText: 'test.write_effect' });
      await expect.poll(() => card.count(), soon).toBe(1);
      expect(await card.textContent()).toContain('step two is checked by a person');
      expect(await card.textContent()).toContain('"step": 2');
      await expect.poll(() => card.getByTestId('asking-policy').textContent(), soon).toBe(
        `Policy that asked: e2e_step_two_checked v${policy.version}: step two is checked by a person`,
      );
      await expect.poll(() => page.getByRole('link', { name: /Approvals/ }).textContent(), soon).toContain('1');
      await screenshot(page, 'approvals');

      await page.locator('body').press('a');
      await page.keyboard.type('Checked the effect table by hand');
      await page.keyboard.press('Enter');
      await expect.poll(() => card.count(), soon).toBe(0);
      await expect.poll(() => page.getByRole('status').first().textContent(), soon).toContain('approved');

      const runs = await server.api<{ items: { id: string; status: string }[] }>('viewer', 'GET', `${org()}/workflows/wf_test_chain3/runs?limit=5`);
      const runId = runs.body.items.find((run) => run.id === started.body.id)?.id ?? '';
      await openPage(page, 'Workflows', 'Workflows');
      await page.getByRole('row', { name: /wf_test_chain3/ }).getByRole('button', { name: 'Runs' }).click();
      await page.getByRole('button', { name: runId.slice(0, 8) }).click();
      await expect.poll(() => page.getByRole('region', { name: `Run ${runId}` }).textContent(), soon).toContain('completed');
      await page.getByRole('button', { name: 'Replay against the recorded run' }).click();
      await expect.poll(() => page.getByText('Every step matches the recording').count(), soon).toBe(1);
      await screenshot(page, 'workflows');
      await context.close();
    } finally {
      await policies.retire(server.fixture.orgUnitId, 'e2e_step_two_checked', policy.version, founder);
    }
  });

  it('lists decisions with arm and propensity, and estimates each arm off-policy once outcomes are in', async () => {
    const decided: { id: string; selectedOption: string }[] = [];
    for (const revenue of [40000, 60000]) {
      const made = await server.api<{ id: string; selectedOption: string }>('agent', 'POST', `${org()}/decisions`, {
        decisionType: 'ad_spend',
        context: { revenue, orders: 900, marginPercent: 0.25 },
      });
      expect(made.status).toBe(200);
      decided.push(made.body);
      const settled = await server.api('operator', 'POST', `${org()}/decisions/${made.body.id}/outcome`, { value: '150.00', toolCostMinor: 0 });
      expect(settled.status).toBe(200);
    }
    const { context, page } = await logIn(browser, server, 'viewer');
    await openPage(page, 'Decisions', 'Decisions');
    await page.getByLabel('Decision type').selectOption('ad_spend');
    const history = page.getByRole('table').filter({ hasText: 'Realised' });
    await expect.poll(() => history.getByRole('row').count(), soon).toBe(3);
    expect(await history.textContent()).toContain(decided[0]?.selectedOption ?? '?');
    expect(await history.textContent()).toContain('reward 150.000');
    const estimates = page.getByRole('table').filter({ hasText: 'Doubly robust' });
    await expect.poll(() => estimates.getByRole('row').count(), soon).toBeGreaterThan(1);
    expect(await estimates.textContent()).toContain('ad_spend');
    await screenshot(page, 'decisions');
    await context.close();
  });

  it('runs a what-if and draws its p5–p95 bands with risks and opportunities', async () => {
    const { context, page } = await logIn(browser, server, 'operator');
    await openPage(page, 'Simulations', 'Simulations');
    await page.getByLabel('Duration (days)').fill('0');
    await page.getByRole('button', { name: 'Run simulation' }).click();
    await expect.poll(() => page.locator('#sim-duration-error').textContent(), soon).toBe('must be at least 1 day');
    await page.getByLabel('Duration (days)').fill('7');
    await page.getByLabel('Price change (%)').fill('15');
    await page.getByRole('button', { name: 'Run simulation' }).click();
    const result = page.getByTestId('simulation-result');
    await expect.poll(() => result.count(), { timeout: 90_000, interval: 250 }).toBe(1);
    expect(await result.getByRole('img', { name: /^Revenue: 90% between/ }).count()).toBe(1);
    expect(await result.getByRole('region', { name: 'Risks' }).textContent()).toContain('Margin below floor');
    expect(await result.getByRole('region', { name: 'Opportunities' }).count()).toBe(1);
    await screenshot(page, 'simulations');
    await context.close();
  });

  it('engages the kill switch only with a reason and the typed scope, and autonomous work stops', async () => {
    const { context, page } = await logIn(browser, server, 'operator');
    await page.getByRole('button', { name: 'Kill switch…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Engage the kill switch' });
    await dialog.getByLabel('Reason').fill('Refund storm under investigation');
    await dialog.getByLabel(/Type the scope name/).fill('glob');
    expect(await dialog.getByRole('button', { name: 'Engage for global' }).isDisabled()).toBe(true);
    await dialog.getByLabel(/Type the scope name/).fill('global');
    await dialog.getByRole('button', { name: 'Engage for global' }).click();
    await expect.poll(() => page.getByText('Kill switch engaged: global').count(), soon).toBeGreaterThan(0);
    // An operator sees that only a founder may release it.
    expect(await page.getByText('Only a founder can release it.').count()).toBe(1);
    expect(await page.getByRole('button', { name: /^Release/ }).count()).toBe(0);

    // Autonomous actions stop: every workflow is paused, and a new run takes no step.
    await openPage(page, 'Workflows', 'Workflows');
    await expect.poll(() => page.getByRole('row', { name: /wf_test_chain5/ }).textContent(), soon).toContain('paused');
    const started = await server.api<{ id: string }>('operator', 'POST', `${org()}/workflows/wf_test_chain5/runs`, { idempotencyKey: 'e2e-killed', payload: { chain: 'e2e-killed' } });
    expect(started.status).toBeLessThan(300);
    const effects = await server.fixture.db.pool.anyFirst(sql.unsafe`SELECT step FROM test_side_effects WHERE chain = 'e2e-killed'`);
    expect(effects).toEqual([]);
    await screenshot(page, 'kill-switch');

    // A founder sees the release, which asks for a reason and the typed scope too.
    const founder = await logIn(browser, server, 'founder');
    await founder.page.getByRole('button', { name: 'Release global' }).click();
    const release = founder.page.getByRole('dialog', { name: 'Release the kill switch for global' });
    await release.getByLabel('Reason').fill('Storm over');
    await release.getByLabel(/Type the scope name/).fill('global');
    await release.getByRole('button', { name: 'Release global' }).click();
    await expect.poll(() => founder.page.getByText('Kill switch off').count(), soon).toBe(1);
    await founder.context.close();
    await context.close();
  });

  it('filters incidents, then acknowledges and resolves one with a resolution', async () => {
    const engaged = await server.api('operator', 'POST', `${org()}/kill-switch`, { action: 'engage', scope: 'content', reason: 'Copy went out with wrong prices' });
    expect(engaged.status).toBe(200);
    try {
      const { context, page } = await logIn(browser, server, 'operator');
      await openPage(page, 'Incidents', 'Incidents');
      await page.getByLabel('status').selectOption('open');
      await page.getByLabel('source').selectOption('kill_switch');
      const incident = page.getByRole('article').filter({ hasText: 'Copy went out with wrong prices' });
      await expect.poll(() => incident.count(), soon).toBe(1);
      await incident.getByRole('button', { name: 'Acknowledge' }).click();
      // Acknowledged, it no longer matches the "open" filter.
      await expect.poll(() => incident.count(), soon).toBe(0);
      await page.getByLabel('status').selectOption('acknowledged');
      await expect.poll(() => incident.count(), soon).toBe(1);
      expect(await incident.getByRole('button', { name: 'Resolve' }).isDisabled()).toBe(true);
      await incident.getByLabel(/Resolution of/).fill('Prices corrected and copy withdrawn');
      await incident.getByRole('button', { name: 'Resolve' }).click();
      await page.getByLabel('status').selectOption('resolved');
      await expect.poll(() => incident.textContent(), soon).toContain('Prices corrected and copy withdrawn');
      await screenshot(page, 'incidents');
      await context.close();
    } finally {
      await server.api('founder', 'POST', `${org()}/kill-switch`, { action: 'release', scope: 'content', reason: 'e2e incident test done' });
    }
  });

  it('verifies the audit chain, and names the row where a tampered chain breaks', async () => {
    const { context, page } = await logIn(browser, server, 'founder');
    await openPage(page, 'Audit', 'Audit');
    await page.getByRole('button', { name: 'Verify the audit chain' }).click();
    await expect.poll(() => page.getByTestId('audit-result').textContent(), soon).toContain('Chain intact');
    await screenshot(page, 'audit');

    const pool = server.fixture.db.pool;
    await pool.transaction(async (tx) => {
      await tx.query(sql.unsafe`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`);
      await tx.query(sql.unsafe`UPDATE audit_log SET kind = kind || '.tampered' WHERE org_unit_id = ${server.fixture.orgUnitId} AND seq = 3`);
      await tx.query(sql.unsafe`ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`);
    });
    await page.getByRole('button', { name: 'Verify the audit chain' }).click();
    await expect.poll(() => page.getByTestId('audit-result').textContent(), soon).toContain('Chain broken at row 3');
    await context.close();
  });

  it('passes an accessibility check with no serious violations on every page, light and dark', async () => {
    const anonymous = await browser.newContext();
    const loginPage = await anonymous.newPage();
    await loginPage.goto(server.consoleUrl);
    await expect.poll(() => loginPage.getByLabel('API token').count(), soon).toBe(1);
    await expectAccessible(loginPage);
    await screenshot(loginPage, 'login');
    await anonymous.close();

    const pages = [
      ['Dashboard', 'Dashboard'],
      ['Approvals', 'Approvals'],
      ['Workflows', 'Workflows'],
      ['Decisions', 'Decisions'],
      ['Simulations', 'Simulations'],
      ['Incidents', 'Incidents'],
      ['Audit', 'Audit'],
      ['Ledger', 'Ledger'],
    ] as const;
    for (const colorScheme of ['light', 'dark'] as const) {
      const { context, page } = await logIn(browser, server, 'founder', { colorScheme });
      for (const [link, title] of pages) {
        await openPage(page, link, title);
        await page.waitForLoadState('networkidle');
        await expectAccessible(page);
        if (colorScheme === 'dark' || link === 'Decisions' || link === 'Incidents' || link === 'Ledger') await screenshot(page, `${link.toLowerCase()}-${colorScheme}`);
      }
      await context.close();
    }
  });
});
