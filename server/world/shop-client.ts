import { ingestedEventBatchDto, type IngestEventInput } from '../contracts/events.js';
import type { PostOutcome } from './event-sinks.js';

/**
 * The few calls the world makes to a running server over HTTP, with an API token: who the
 * token is, the catalog's prices, and event batches. A 429 waits as long as Retry-After says.
 */
export type ShopClient = {
  orgUnitId(): Promise<string>;
  listPrices(orgUnitId: string): Promise<Record<string, number>>;
  postEvents(events: readonly IngestEventInput[]): Promise<PostOutcome>;
};

/** The server refused a request (`status`), or never answered it (`status` null). */
export class ShopRequestError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly code: string | undefined,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ShopRequestError';
  }
}

export type ShopClientOptions = {
  url: string;
  token: string;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  maxRetries?: number;
};

export function createShopClient(options: ShopClientOptions): ShopClient {
  const base = options.url.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const maxRetries = options.maxRetries ?? 20;

  async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    for (let attempt = 0; ; attempt += 1) {
      const response = await doFetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${options.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }).catch((error: unknown) => {
        throw new ShopRequestError(`cannot reach ${base} (${unreachableReason(error)})`, null, undefined, { cause: error });
      });
      if (response.status === 429 && attempt < maxRetries) {
        const seconds = Number(response.headers.get('retry-after'));
        await response.arrayBuffer();
        await sleep(Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000);
        continue;
      }
      const text = await response.text();
      const parsed: unknown = text === '' ? undefined : JSON.parse(text);
      if (response.ok) return parsed;
      const problem = (parsed ?? {}) as { code?: string; detail?: string; title?: string };
      throw new ShopRequestError(`${method} ${path} answered ${response.status}: ${problem.detail ?? problem.title ?? text}`, response.status, problem.code);
    }
  }

  return {
    async orgUnitId() {
      const me = (await call('GET', '/api/me')) as { orgUnitId: string };
      return me.orgUnitId;
    },
    async listPrices(orgUnitId) {
      const prices: Record<string, number> = {};
      let after: string | null = null;
      do {
        const query: string = after === null ? '' : `&after=${encodeURIComponent(after)}`;
        const page = (await call('GET', `/api/org-units/${encodeURIComponent(orgUnitId)}/products?limit=100${query}`)) as {
          items: { sku: string; priceMinor: number }[];
          nextCursor: string | null;
        };
        for (const item of page.items) prices[item.sku] = item.priceMinor;
        after = page.nextCursor;
      } while (after !== null);
      return prices;
    },
    async postEvents(events) {
      const result = ingestedEventBatchDto.parse(await call('POST', '/api/events/batch', { events }));
      return { stored: result.stored, duplicates: result.duplicates };
    },
  };
}

/** Why fetch got no answer: undici says only "fetch failed" and keeps the system's reason in `cause`. */
function unreachableReason(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Error) return cause.message;
  return error instanceof Error ? error.message : String(error);
}
