import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csrfTokenFor } from '../../../server/auth/console-session.js';
import { createAppFixture, type AppFixture } from '../../support/app-fixture.js';

let f: AppFixture;
beforeAll(async () => {
  f = await createAppFixture();
});
afterAll(async () => {
  await f.close();
});

type Session = { principal: { name: string; role: string }; orgUnitId: string; csrfToken: string };
const org = () => `/api/org-units/${f.orgUnitId}`;

async function logIn(token: string): Promise<{ cookie: string; session: Session; setCookie: string }> {
  const response = await f.built.app.inject({ method: 'POST', url: '/api/session', payload: { token } });
  expect(response.statusCode).toBe(201);
  const setCookie = String(response.headers['set-cookie']);
  return { cookie: setCookie.split(';')[0] ?? '', session: response.json<Session>(), setCookie };
}

describe('console sessions', () => {
  it('exchanges an operator token for an HttpOnly, SameSite=Strict session cookie and a CSRF token', async () => {
    const { cookie, session, setCookie } = await logIn(f.tokens.operator);
    expect(setCookie).toMatch(/^bos_session=bos_[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=86400$/);
    expect(session.principal).toMatchObject({ name: 'operator-1', role: 'operator' });
    expect(session.orgUnitId).toBe(f.orgUnitId);
    // The session is a token of its own, never the one the person typed.
    expect(cookie).not.toContain(f.tokens.operator);
    const restored = await f.built.app.inject({ method: 'GET', url: '/api/session', headers: { cookie } });
    expect(restored.statusCode).toBe(200);
    expect(restored.json<Session>().csrfToken).toBe(session.csrfToken);
  });

  it('names what is wrong with a login and refuses unknown and agent tokens', async () => {
    const missing = await f.built.app.inject({ method: 'POST', url: '/api/session', payload: { tokn: 'x' } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json<{ errors: { path: string }[] }>().errors.map((e) => e.path)).toEqual(expect.arrayContaining(['body.token', 'body.tokn']));
    const unknown = await f.built.app.inject({ method: 'POST', url: '/api/session', payload: { token: 'bos_nothing_here' } });
    expect(unknown.statusCode).toBe(401);
    const agent = await f.built.app.inject({ method: 'POST', url: '/api/session', payload: { token: f.tokens.agent } });
    expect(agent.statusCode).toBe(403);
    expect(agent.json<{ detail: string }>().detail).toMatch(/agent token cannot open a session/);
    const anonymous = await f.built.app.inject({ method: 'GET', url: '/api/session' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('reads with the cookie alone, but writes only with the session CSRF token', async () => {
    const { cookie, session } = await logIn(f.tokens.operator);
    const read = await f.built.app.inject({ method: 'GET', url: `${org()}/kill-switch`, headers: { cookie } });
    expect(read.statusCode).toBe(200);
    const engage = { action: 'engage', scope: 'content', reason: 'console test' };
    const withoutCsrf = await f.built.app.inject({ method: 'POST', url: `${org()}/kill-switch`, headers: { cookie }, payload: engage });
    expect(withoutCsrf.statusCode).toBe(403);
    expect(withoutCsrf.json<{ code: string }>().code).toBe('CSRF_TOKEN_INVALID');
    const otherSessions = await f.built.app.inject({
      method: 'POST',
      url: `${org()}/kill-switch`,
      headers: { cookie, 'x-csrf-token': csrfTokenFor('bos_another_session') },
      payload: engage,
    });
    expect(otherSessions.statusCode).toBe(403);
    const engaged = await f.built.app.inject({ method: 'POST', url: `${org()}/kill-switch`, headers: { cookie, 'x-csrf-token': session.csrfToken }, payload: engage });
    expect(engaged.statusCode).toBe(200);
    // The role still decides: an operator may engage but not release.
    const release = await f.built.app.inject({
      method: 'POST',
      url: `${org()}/kill-switch`,
      headers: { cookie, 'x-csrf-token': session.csrfToken },
      payload: { action: 'release', scope: 'content', reason: 'console test' },
    });
    expect(release.statusCode).toBe(403);
  });

  it('carries the CSRF rule to tRPC mutations made with the cookie', async () => {
    const { cookie, session } = await logIn(f.tokens.founder);
    const input = { json: { orgUnitId: f.orgUnitId, action: 'engage', scope: 'pricing', reason: 'console test over tRPC' } };
    const refused = await f.built.app.inject({ method: 'POST', url: '/trpc/businessOS.killSwitch', headers: { cookie }, payload: input });
    expect(refused.statusCode).toBe(403);
    const allowed = await f.built.app.inject({
      method: 'POST',
      url: '/trpc/businessOS.killSwitch',
      headers: { cookie, 'x-csrf-token': session.csrfToken },
      payload: input,
    });
    expect(allowed.statusCode).toBe(200);
  });

  it('ends the session on logout: the cookie is cleared and no longer admitted', async () => {
    const { cookie, session } = await logIn(f.tokens.founder);
    const noCsrf = await f.built.app.inject({ method: 'DELETE', url: '/api/session', headers: { cookie } });
    expect(noCsrf.statusCode).toBe(403);
    const out = await f.built.app.inject({ method: 'DELETE', url: '/api/session', headers: { cookie, 'x-csrf-token': session.csrfToken } });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/^bos_session=; .*Max-Age=0/);
    const after = await f.built.app.inject({ method: 'GET', url: `${org()}/kill-switch`, headers: { cookie } });
    expect(after.statusCode).toBe(401);
    // The token the founder logged in with is untouched.
    const token = await f.built.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${f.tokens.founder}` } });
    expect(token.statusCode).toBe(200);
  });
});
