import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppError } from '../errors/catalog.js';

/**
 * Serves the built console (console/build, a SvelteKit single-page app) under
 * /ops-console. Files that exist are sent as they are; every other path gets the app's
 * fallback page, whose client-side router takes over. The fallback boots with one inline
 * script, so its Content-Security-Policy allows exactly that script by hash.
 */
export const consoleBasePath = '/ops-console';

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json',
};

type FallbackPage = { html: Buffer; csp: string };

const inlineScripts = (html: string) => [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((match) => match[1] ?? '');

export function fallbackCsp(html: string): string {
  const hashes = inlineScripts(html).map((script) => `'sha256-${createHash('sha256').update(script).digest('base64')}'`);
  return [
    "default-src 'self'",
    `script-src 'self' ${hashes.join(' ')}`.trim(),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

/** The file a console URL names inside the build, or undefined when it would leave the build. */
export function consoleFilePath(buildDir: string, urlPath: string): string | undefined {
  let relative: string;
  try {
    relative = decodeURIComponent(urlPath.slice(consoleBasePath.length).split('?')[0] ?? '');
  } catch {
    return undefined;
  }
  if (relative.includes('\0')) return undefined;
  const root = resolve(buildDir);
  const file = resolve(root, `.${relative.startsWith('/') ? relative : `/${relative}`}`);
  return file === root || file.startsWith(root + sep) ? file : undefined;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

export function serveConsole(app: FastifyInstance, options: { buildDir: string; fallback?: string }): void {
  const fallbackName = options.fallback ?? 'index.html';
  let fallback: FallbackPage | undefined;

  // Read on first use and kept: a server started before the build picks it up once it exists.
  async function fallbackPage(): Promise<FallbackPage> {
    if (fallback) return fallback;
    let html: Buffer;
    try {
      html = await readFile(resolve(options.buildDir, fallbackName));
    } catch (error) {
      throw new AppError('NOT_READY', 'The console is not built: run "npm run build:console"', {}, { cause: error });
    }
    fallback = { html, csp: fallbackCsp(html.toString('utf8')) };
    return fallback;
  }

  async function send(url: string, reply: FastifyReply) {
    const file = consoleFilePath(options.buildDir, url);
    if (file && !file.endsWith('.html') && (await isFile(file))) {
      const immutable = file.includes(`${sep}_app${sep}immutable${sep}`);
      reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      reply.type(contentTypes[extname(file)] ?? 'application/octet-stream');
      return reply.send(createReadStream(file));
    }
    const page = await fallbackPage();
    reply.header('content-security-policy', page.csp);
    reply.header('cache-control', 'no-cache');
    return reply.type(contentTypes['.html'] ?? 'text/html').send(page.html);
  }

  app.get(consoleBasePath, (request, reply) => send(request.url, reply));
  app.get(`${consoleBasePath}/*`, (request, reply) => send(request.url, reply));
}
