import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { bearer, createAppFixture, type AppFixture } from '../../support/app-fixture.js';
import { rowCounts } from '../../support/row-counts.js';

let f: AppFixture;
let ledgerUrl: string;
beforeAll(async () => {
  f = await createAppFixture();
  ledgerUrl = `/api/org-units/${f.orgUnitId}/ledger`;
});
afterAll(async () => {
  await f.close();
});

type Json = Record<string, unknown>;

async function send(method: 'GET' | 'POST', url: string, body?: Json, token = f.tokens.operator) {
  const response = await f.built.app.inject({ method, url, headers: bearer(token), ...(body === undefined ? {} : { payload: body }) });
  return { status: response.statusCode, body: response.json<Json>() };
}

const sale = (transferKey: string, amountMinor: number) => ({
  transferKey,
  legs: [
    { account: 'processor:clearing', currency: 'USD', amountMinor },
    { account: 'creator:7:payable', currency: 'USD', amountMinor: -amountMinor },
  ],
});

async function balance(account: string): Promise<number> {
  const response = await send('GET', `${ledgerUrl}/accounts/${account}/balance?currency=USD`);
  if (response.status === 404) return 0;
  expect(response.status).toBe(200);
  return response.body.postedMinor as number;
}

async function postedEvents(transferKey: string): Promise<Json[]> {
  const payloads = await f.db.pool.anyFirst(sql.type(z.object({ payload: z.record(z.unknown()) }))`
    SELECT payload FROM stream_events
     WHERE org_unit_id = ${f.orgUnitId} AND type = 'ledger.transfer.posted' AND payload->>'transferKey' = ${transferKey}`);
  return [...payloads];
}

describe('the ledger API', () => {
  it('posts a transfer through REST, moves balances, streams it once, and answers a repeat with the first result', async () => {
    const first = await send('POST', `${ledgerUrl}/transfers`, { ...sale('sale-1', 2500), description: 'order 1' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      status: 'succeeded',
      duplicate: false,
      result: { transferKey: 'sale-1', kind: 'transfer', status: 'posted', links: { self: `${ledgerUrl}/transfers/sale-1`, reverses: null } },
    });
    expect(await balance('creator:7:payable')).toBe(-2500);
    expect(await balance('processor:clearing')).toBe(2500);

    const again = await send('POST', `${ledgerUrl}/transfers`, { ...sale('sale-1', 2500), description: 'order 1' });
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ status: 'succeeded', duplicate: true, actionId: first.body.actionId, result: first.body.result as Json });
    expect(await balance('creator:7:payable')).toBe(-2500);

    const events = await postedEvents('sale-1');
    expect(events).toEqual([
      expect.objectContaining({ transferKey: 'sale-1', kind: 'transfer', amounts: [{ currency: 'USD', amountMinor: 2500 }], accounts: ['processor:clearing', 'creator:7:payable'] }),
    ]);

    const read = await send('GET', `${ledgerUrl}/transfers/sale-1`, undefined, f.tokens.viewer);
    expect(read).toMatchObject({ status: 200, body: first.body.result as Json });
    const trial = await send('GET', `${ledgerUrl}/trial-balance`, undefined, f.tokens.viewer);
    expect(trial.body).toMatchObject({ balanced: true, items: [{ currency: 'USD', netMinor: 0 }] });
  });

  it('refuses a different transfer under a used key, and a repeat by another caller, with 409', async () => {
    const changed = await send('POST', `${ledgerUrl}/transfers`, { ...sale('sale-1', 9999), description: 'order 1' });
    expect(changed.status).toBe(409);
    expect(changed.body).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
    const otherCaller = await send('POST', `${ledgerUrl}/transfers`, { ...sale('sale-1', 2500), description: 'order 1' }, f.tokens.founder);
    expect(otherCaller.status).toBe(409);
    expect(await balance('creator:7:payable')).toBe(-2500);
  });

  it('reads an account named by its path, raw or percent-encoded, and balances as of an instant', async () => {
    const raw = await send('GET', `${ledgerUrl}/accounts/creator:7:payable/balance`, undefined, f.tokens.viewer);
    const encoded = await send('GET', `${ledgerUrl}/accounts/${encodeURIComponent('creator:7:payable')}/balance`, undefined, f.tokens.viewer);
    expect(raw).toMatchObject({ status: 200, body: { account: 'creator:7:payable', currency: 'USD', kind: 'liability', postedMinor: -2500 } });
    expect(encoded).toEqual(raw);
    const bad = await send('GET', `${ledgerUrl}/accounts/Not-A-Path/balance`);
    expect(bad.status).toBe(400);
    expect((bad.body.errors as { path: string }[]).map((e) => e.path)).toContain('params.account');
    const before = await send('GET', `${ledgerUrl}/balances?asOf=2000-01-01T00:00:00Z`, undefined, f.tokens.viewer);
    expect(before.body).toMatchObject({ asOf: '2000-01-01T00:00:00Z' });
    expect((before.body.items as { postedMinor: number }[]).every((b) => b.postedMinor === 0)).toBe(true);
  });

  it('answers an unbalanced transfer with 400 naming the leg, writing nothing', async () => {
    const before = await rowCounts(f.db.pool);
    const response = await send('POST', `${ledgerUrl}/transfers`, {
      transferKey: 'lopsided',
      legs: [
        { account: 'processor:clearing', currency: 'USD', amountMinor: 1000 },
        { account: 'revenue:sales', currency: 'USD', amountMinor: -999 },
      ],
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    const errors = response.body.errors as { path: string; message: string }[];
    expect(errors).toEqual([{ path: 'body.legs[1].amountMinor', message: expect.stringContaining('legs[0], legs[1]') as string }]);
    expect(errors[0]?.message).toContain('sum to 1');
    const fractional = await send('POST', `${ledgerUrl}/transfers`, { ...sale('fraction', 10.5) });
    expect((fractional.body.errors as { path: string }[]).map((e) => e.path)).toContain('body.legs[0].amountMinor');
    expect(await rowCounts(f.db.pool)).toEqual(before);
  });

  it('dry-runs and simulates a transfer without touching the ledger', async () => {
    const trialBefore = await send('GET', `${ledgerUrl}/trial-balance`);
    const balancesBefore = await send('GET', `${ledgerUrl}/balances`);
    for (const mode of ['dry_run', 'simulate'] as const) {
      const response = await send('POST', `${ledgerUrl}/transfers`, { ...sale('preview-1', 700), mode });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ status: mode === 'dry_run' ? 'dry_run' : 'simulated', gate: 'execute' });
    }
    expect(await send('GET', `${ledgerUrl}/trial-balance`)).toEqual(trialBefore);
    expect(await send('GET', `${ledgerUrl}/balances`)).toEqual(balancesBefore);
    expect((await send('GET', `${ledgerUrl}/transfers/preview-1`)).status).toBe(404);
    // The preview did not claim the transfer key: the real transfer may follow.
    expect((await send('POST', `${ledgerUrl}/transfers`, sale('preview-1', 700))).status).toBe(201);
  });

  it('streams ledger.transfer.posted once when a hold is posted, not when it is placed or posted again', async () => {
    const hold = await send('POST', `${ledgerUrl}/transfers`, { ...sale('hold-1', 300), holdUntil: new Date(Date.now() + 3_600_000).toISOString() });
    expect(hold.body).toMatchObject({ status: 'succeeded', result: { kind: 'hold', status: 'pending' } });
    expect(await postedEvents('hold-1')).toEqual([]);

    const posted = await send('POST', `${ledgerUrl}/holds/hold-1/post`, {});
    expect(posted.status).toBe(200);
    expect(posted.body).toMatchObject({ status: 'succeeded', result: { transferKey: 'hold-1', status: 'posted' } });
    // Again with the same key (a lost answer), and with a new key: the hold is posted once.
    expect((await send('POST', `${ledgerUrl}/holds/hold-1/post`, {})).body).toMatchObject({ duplicate: true });
    expect((await send('POST', `${ledgerUrl}/holds/hold-1/post`, { idempotencyKey: 'post-hold-1-again' })).body).toMatchObject({ status: 'succeeded', duplicate: false });
    const events = await postedEvents('hold-1');
    expect(events).toEqual([expect.objectContaining({ transferKey: 'hold-1', kind: 'hold', amounts: [{ currency: 'USD', amountMinor: 300 }] })]);

    const voided = await send('POST', `${ledgerUrl}/holds/hold-1/void`, {});
    expect(voided.status).toBe(409);
    expect(voided.body).toMatchObject({ code: 'LEDGER_HOLD_NOT_PENDING' });
  });

  it('reverses a posted transfer once, linked to the original, and streams the reversal once', async () => {
    await send('POST', `${ledgerUrl}/transfers`, sale('to-reverse', 120));
    const original = await send('GET', `${ledgerUrl}/transfers/to-reverse`);
    const reversed = await send('POST', `${ledgerUrl}/transfers/to-reverse/reverse`, { reversalKey: 'to-reverse-back' });
    expect(reversed.status).toBe(201);
    expect(reversed.body).toMatchObject({ result: { kind: 'reversal', transferKey: 'to-reverse-back', links: { reverses: (original.body as { id: string }).id } } });
    expect((await send('POST', `${ledgerUrl}/transfers/to-reverse/reverse`, { reversalKey: 'to-reverse-back' })).body).toMatchObject({ duplicate: true });
    expect(await postedEvents('to-reverse-back')).toHaveLength(1);
    const twice = await send('POST', `${ledgerUrl}/transfers/to-reverse/reverse`, { reversalKey: 'another-key' });
    expect(twice).toMatchObject({ status: 409, body: { code: 'LEDGER_NOT_REVERSIBLE' } });
  });

  it('pays out only with what the payout policies demand, naming the reasons otherwise', async () => {
    const payout = { transferKey: 'payout-1', payee: 'creator:7:payable', amountMinor: 1000, currency: 'USD' };
    const refused = await send('POST', `${ledgerUrl}/payouts`, payout);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'GOV_DENIED', verdictId: expect.any(String) as string });
    expect(refused.body.detail).toContain('no payout without a reconciled ledger');
    expect(await balance('creator:7:payable')).toBe(-3500);

    const context = { reconciled: true, riskChecked: true, collectedNetMinor: 5000, reservesMinor: 0, openDisputesMinor: 0, projected: { cashRunwayDays: 90 } };
    const tooMuch = await send('POST', `${ledgerUrl}/payouts`, { ...payout, transferKey: 'payout-2', amountMinor: 6000, context });
    expect(tooMuch.status).toBe(403);
    expect(tooMuch.body.detail).toContain('exceeds collected net');

    const paid = await send('POST', `${ledgerUrl}/payouts`, { ...payout, transferKey: 'payout-3', context });
    expect(paid.status).toBe(201);
    expect(paid.body).toMatchObject({ status: 'succeeded', result: { transferKey: 'payout-3', status: 'posted' } });
    expect(await balance('creator:7:payable')).toBe(-2500);
  });

  it('imports a statement and reports matched and missing lines', async () => {
    const day = new Date().toISOString().slice(0, 10);
    const text = ['reference,currency,amount', 'sale-1,USD,25.00', 'never-booked,USD,4.00'].join('\n');
    const response = await send('POST', `${ledgerUrl}/reconciliations`, { periodStart: day, periodEnd: day, format: 'csv', text });
    expect(response.status).toBe(201);
    const result = (response.body as { result: Json }).result;
    expect(result).toMatchObject({
      status: 'mismatched',
      clearingAccount: 'processor:clearing',
      lines: { matched: [{ line: 2, reference: 'sale-1', amountMinor: 2500 }], missing: [{ line: 3, reference: 'never-booked', amountMinor: 400 }] },
      counts: { matched: 1, missing: 1 },
    });
    const read = await send('GET', `${ledgerUrl}/reconciliations/${String(result.id)}`, undefined, f.tokens.viewer);
    expect(read.body).toEqual(result);

    const badLine = await send('POST', `${ledgerUrl}/reconciliations`, { periodStart: day, periodEnd: day, format: 'csv', text: 'reference,currency,amount\nx,USD,abc' });
    expect(badLine.status).toBe(400);
    expect(badLine.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(badLine.body.detail).toContain('line 2');

    const accepted = await send('POST', `${ledgerUrl}/reconciliations/${String(result.id)}/reconcile`, {});
    expect(accepted).toMatchObject({ status: 200, body: { status: 'succeeded', result: { status: 'reconciled' } } });
  });

  it('lets viewers and agents read but not write (403)', async () => {
    for (const token of [f.tokens.viewer, f.tokens.agent]) {
      const response = await send('POST', `${ledgerUrl}/transfers`, sale('by-a-reader', 100), token);
      expect(response.status).toBe(403);
      expect(response.body).toMatchObject({ code: 'FORBIDDEN' });
      expect((await send('GET', `${ledgerUrl}/balances`, undefined, token)).status).toBe(200);
    }
    expect((await send('GET', `${ledgerUrl}/transfers/by-a-reader`)).status).toBe(404);
  });

  it('serves the same operations as tRPC procedures of businessOS', async () => {
    const input = encodeURIComponent(JSON.stringify({ json: { orgUnitId: f.orgUnitId, transferKey: 'sale-1' } }));
    const response = await f.built.app.inject({ url: `/trpc/businessOS.getLedgerTransfer?input=${input}`, headers: bearer(f.tokens.viewer) });
    expect(response.statusCode).toBe(200);
    const rest = await send('GET', `${ledgerUrl}/transfers/sale-1`);
    expect(response.json<{ result: { data: { json: Json } } }>().result.data.json).toEqual(rest.body);

    const mutation = await f.built.app.inject({
      method: 'POST',
      url: '/trpc/businessOS.createLedgerTransfer',
      headers: bearer(f.tokens.operator),
      payload: { json: { orgUnitId: f.orgUnitId, ...sale('via-trpc', 50) } },
    });
    expect(mutation.statusCode).toBe(200);
    expect(mutation.json<{ result: { data: { json: Json } } }>().result.data.json).toMatchObject({ status: 'succeeded', result: { transferKey: 'via-trpc' } });
  });
});
