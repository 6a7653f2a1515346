import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamEnvelope } from '../../../server/contracts/stream-events.js';
import { createStreamSubscriber } from '../../../server/live/stream-subscriber.js';
import { createAppFixture, type AppFixture } from '../../support/app-fixture.js';

let f: AppFixture;
let url: string;
beforeAll(async () => {
  f = await createAppFixture();
  url = await f.built.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await f.close();
});

describe('the live stream on the application server', () => {
  it('serves Socket.IO on the same port as the API, and streams what the app publishes', async () => {
    const received: StreamEnvelope[] = [];
    const subscriber = createStreamSubscriber({ url, token: f.tokens.viewer, orgUnitId: f.orgUnitId, onEvent: (e) => received.push(e) });
    try {
      const start = await subscriber.subscribed();
      const published = await f.built.live.publish(f.orgUnitId, 'incident.opened', { title: 'wiring check' });
      expect(published.seq).toBe(start + 1);
      await subscriber.waitForSeq(published.seq);
      expect(received).toEqual([published]);
      // The org summary reports the same stream head.
      const summary = await f.built.app.inject({ url: `/api/org-units/${f.orgUnitId}`, headers: { authorization: `Bearer ${f.tokens.founder}` } });
      expect(summary.json<{ streamSeq: number }>().streamSeq).toBeGreaterThanOrEqual(published.seq);
    } finally {
      subscriber.close();
    }
  });

  it('refuses a token of another org unit for this org unit', async () => {
    const errors: string[] = [];
    const subscriber = createStreamSubscriber({
      url,
      token: f.otherOrgFounderToken,
      orgUnitId: f.orgUnitId,
      onError: (error) => errors.push(error.code),
    });
    try {
      await expect(subscriber.subscribed(1_500)).rejects.toThrow();
      expect(errors).toContain('NOT_FOUND');
    } finally {
      subscriber.close();
    }
  });
});
