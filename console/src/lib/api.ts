/** The console's only way to the server's REST API: same origin, session cookie, CSRF header on writes. */
export type FieldProblem = { path: string; message: string };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: readonly FieldProblem[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Api = {
  get<T>(path: string): Promise<T>;
  send<T>(method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T>;
};

async function problemOf(response: Response): Promise<ApiError> {
  try {
    const problem = (await response.json()) as { code?: string; detail?: string; title?: string; errors?: FieldProblem[] };
    return new ApiError(response.status, problem.code ?? 'UNKNOWN', problem.detail ?? problem.title ?? response.statusText, problem.errors ?? []);
  } catch {
    return new ApiError(response.status, 'UNKNOWN', `The server answered ${response.status} ${response.statusText}`);
  }
}

export function createApi(options: { csrfToken: () => string | undefined; onSessionEnded: () => void }): Api {
  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const csrf = options.csrfToken();
    if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(path, { method, headers, credentials: 'same-origin', ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    if (response.status === 401) options.onSessionEnded();
    if (!response.ok) throw await problemOf(response);
    return (response.status === 204 ? undefined : await response.json()) as T;
  }
  return {
    get: (path) => request('GET', path),
    send: (method, path, body) => request(method, path, body),
  };
}

/** A field's message from a refusal, for the input that caused it (`body.reason` → `reason`). */
export function fieldMessage(error: unknown, field: string): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  return error.errors.find((problem) => problem.path.split('.').at(-1) === field)?.message;
}

export const describeError = (error: unknown): string => (error instanceof Error ? error.message : String(error));
