import { getContext, setContext } from 'svelte';
import { createApi, type Api } from './api';
import type { Role, Session } from './types';

/**
 * Who is logged in. The session itself is an HttpOnly cookie the page never sees; the
 * page holds only the principal and the CSRF token the server handed it at login.
 */
export class SessionStore {
  current = $state<Session | null>(null);
  checked = $state(false);
  readonly api: Api;

  constructor() {
    this.api = createApi({
      csrfToken: () => this.current?.csrfToken,
      onSessionEnded: () => {
        this.current = null;
      },
    });
  }

  async restore(): Promise<void> {
    try {
      this.current = await this.api.get<Session>('/api/session');
    } catch {
      this.current = null;
    } finally {
      this.checked = true;
    }
  }

  async login(token: string): Promise<void> {
    this.current = await this.api.send<Session>('POST', '/api/session', { token });
  }

  async logout(): Promise<void> {
    await this.api.send('DELETE', '/api/session');
    this.current = null;
  }

  /** Whether the logged-in role is one of these; the server enforces the same rule. */
  can(...roles: Role[]): boolean {
    return this.current !== null && roles.includes(this.current.principal.role);
  }

  get orgPath(): string {
    return `/api/org-units/${this.current?.orgUnitId ?? ''}`;
  }
}

const key = Symbol('session');
export const provideSession = (store: SessionStore): SessionStore => setContext(key, store);
export const useSession = (): SessionStore => getContext<SessionStore>(key);
