import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * helmet's header policies, computed once at start-up and set on every reply. The policy is
 * helmet's (maintained, reviewed); only the per-request work is ours: @fastify/helmet runs
 * helmet's middleware on every request, which measured at half of our read throughput
 * (benchmarks/http-read.ts), while these headers never vary between requests.
 */
export function helmetHeaders(options: Readonly<HelmetOptions>): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
      return response;
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let failure: unknown;
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => {
    failure = error;
  });
  if (failure) throw new Error('helmet rejected the security header options', { cause: failure });
  return Object.freeze(headers);
}

/**
 * Pages (the console, /docs) get helmet's full set. JSON API answers get the subset that
 * means something for an API (OWASP's REST guidance): every header costs on every reply,
 * and browser-document policies do nothing for JSON.
 */
export const documentHeaderPolicy: Readonly<HelmetOptions> = {
  contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], scriptSrc: ["'self'"] } },
};

export const apiHeaderPolicy: Readonly<HelmetOptions> = {
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  frameguard: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
  crossOriginOpenerPolicy: false,
  crossOriginResourcePolicy: false,
  originAgentCluster: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
};

const isApi = (url: string) => url.startsWith('/api/') || url.startsWith('/trpc/');

export function installSecurityHeaders(app: FastifyInstance): void {
  const documentHeaders = helmetHeaders(documentHeaderPolicy);
  const apiHeaders = helmetHeaders(apiHeaderPolicy);
  app.addHook('onRequest', (request, reply, done) => {
    // The request id joins logs across services; it rides on the same hook.
    reply.header('x-request-id', request.id);
    reply.headers(isApi(request.url) ? apiHeaders : documentHeaders);
    done();
  });
}
