import path from 'node:path';
import { z } from 'zod';

/**
 * Everything the server reads from its environment, parsed once at start-up.
 * Only the entry points call `loadConfig(process.env)`; the rest of the code
 * receives the frozen result.
 */
const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const booleanText = z
  .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
  .transform((value) => value === 'true' || value === '1');

const port = z.coerce
  .number({ message: 'must be a number' })
  .int('must be a whole number')
  .min(0, 'must be between 0 and 65535')
  .max(65_535, 'must be between 0 and 65535');

const postgresUrl = z
  .string()
  .url('must be a URL such as postgres://user@host:5432/db')
  .refine((value) => /^postgres(ql)?:\/\//.test(value), 'must start with postgres:// or postgresql://');

const httpUrl = z
  .string()
  .url('must be a URL such as https://api.openai.com/v1')
  .refine((value) => /^https?:\/\//.test(value), 'must start with http:// or https://');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port.default(3000),
  DATABASE_URL: postgresUrl.optional(),
  BOS_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_POOL_SIZE: z.coerce.number({ message: 'must be a number' }).int().min(1).max(200).default(10),
  LOG_LEVEL: z.enum(logLevels).default('info'),
  RATE_LIMIT_PER_MINUTE: z.coerce.number({ message: 'must be a number' }).int().min(1).default(6_000),
  SHUTDOWN_GRACE_MS: z.coerce.number({ message: 'must be a number' }).int().min(0).max(600_000).default(10_000),
  TRUST_PROXY: booleanText.default('false'),
  BOS_PUBLIC_ORIGIN: z.string().url('must be a URL such as http://localhost:3000').optional(),
  BOS_WORKFLOW_MODULES: z.string().optional(),
  WORKFLOW_LEASE_MS: z.coerce.number({ message: 'must be a number' }).int().min(500).max(600_000).default(15_000),
  WORKFLOW_CONCURRENCY: z.coerce.number({ message: 'must be a number' }).int().min(1).max(10_000).default(64),
  BOS_CONTENT_PROVIDER_URL: httpUrl.optional(),
  BOS_CONTENT_MODEL: z.string().trim().min(1).max(200, 'must be at most 200 characters').optional(),
  BOS_CONTENT_API_KEY: z.string().min(1).max(1_000, 'must be at most 1000 characters').optional(),
  BOS_CONTENT_TIMEOUT_MS: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(100).max(600_000).default(30_000),
  // The offline generator's quality (0..1): below 1 it leaves facts out, so the rewrite and escalate paths can be shown without a network.
  BOS_CONTENT_OFFLINE_QUALITY: z.coerce.number({ message: 'must be a number' }).min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1').optional(),
  BOS_TWIN_THREADS: z.coerce.number({ message: 'must be a number' }).int().min(1).max(256).optional(),
  BOS_TWIN_BACKEND: z.enum(['tensorflow', 'wasm', 'cpu'], { message: 'must be tensorflow, wasm or cpu' }).optional(),
});

/** A provider needs a model; a model or key without a provider would silently go unused. */
const contentProblems = (e: z.infer<typeof envSchema>) => [
  ...(e.BOS_CONTENT_PROVIDER_URL !== undefined && e.BOS_CONTENT_MODEL === undefined
    ? [{ variable: 'BOS_CONTENT_MODEL', message: 'is required when BOS_CONTENT_PROVIDER_URL is set' }]
    : []),
  ...(['BOS_CONTENT_MODEL', 'BOS_CONTENT_API_KEY'] as const)
    .filter((variable) => e.BOS_CONTENT_PROVIDER_URL === undefined && e[variable] !== undefined)
    .map((variable) => ({ variable, message: 'has no effect without BOS_CONTENT_PROVIDER_URL' })),
  ...(e.BOS_CONTENT_PROVIDER_URL !== undefined && e.BOS_CONTENT_OFFLINE_QUALITY !== undefined
    ? [{ variable: 'BOS_CONTENT_OFFLINE_QUALITY', message: 'has no effect with BOS_CONTENT_PROVIDER_URL (it tunes the offline generator)' }]
    : []),
];

export type Config = Readonly<{
  env: 'development' | 'test' | 'production';
  host: string;
  port: number;
  database: Readonly<{ kind: 'postgres'; url: string; poolSize: number } | { kind: 'embedded'; dataDir: string }>;
  logLevel: (typeof logLevels)[number];
  rateLimitPerMinute: number;
  shutdownGraceMs: number;
  trustProxy: boolean;
  publicOrigin: string;
  workflows: Readonly<{
    /** Modules with a shop's own workflows and tools (paths, resolved from the working directory). */
    modules: readonly string[];
    leaseMs: number;
    concurrency: number;
  }>;
  /** Who writes content: the built-in offline generator, or an OpenAI-compatible chat-completions API. */
  content: Readonly<{ kind: 'offline'; quality?: number } | { kind: 'openai_compatible'; url: string; model: string; apiKey: string | undefined; timeoutMs: number }>;
  twin: Readonly<{
    /** Model worker threads; undefined is one per core. */
    threads: number | undefined;
    /** TensorFlow.js backend each worker tries first (default: tfjs-node if installed, then wasm, then cpu). */
    backend: 'tensorflow' | 'wasm' | 'cpu' | undefined;
  }>;
}>;

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: readonly { variable: string; message: string }[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Empty strings count as unset, as a shell `FOO= cmd` intends. */
function withoutEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''));
}

export function loadConfig(env: NodeJS.ProcessEnv, cwd: string = process.cwd()): Config {
  const parsed = envSchema.safeParse(withoutEmpty(env));
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({ variable: String(issue.path[0] ?? '?'), message: issue.message })),
    );
  }
  const e = parsed.data;
  const problems = contentProblems(e);
  if (problems.length > 0) throw new ConfigError(problems);
  const database = e.DATABASE_URL
    ? { kind: 'postgres' as const, url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE }
    : { kind: 'embedded' as const, dataDir: path.resolve(cwd, e.BOS_DATA_DIR) };
  const shownHost = e.HOST === '0.0.0.0' || e.HOST === '::' ? 'localhost' : e.HOST;
  return Object.freeze({
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    database: Object.freeze(database),
    logLevel: e.LOG_LEVEL,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    trustProxy: e.TRUST_PROXY,
    publicOrigin: e.BOS_PUBLIC_ORIGIN ?? `http://${shownHost}:${e.PORT}`,
    workflows: Object.freeze({
      modules: (e.BOS_WORKFLOW_MODULES ?? '').split(',').map((file) => file.trim()).filter((file) => file !== '').map((file) => path.resolve(cwd, file)),
      leaseMs: e.WORKFLOW_LEASE_MS,
      concurrency: e.WORKFLOW_CONCURRENCY,
    }),
    content: Object.freeze(
      e.BOS_CONTENT_PROVIDER_URL !== undefined && e.BOS_CONTENT_MODEL !== undefined
        ? { kind: 'openai_compatible' as const, url: e.BOS_CONTENT_PROVIDER_URL, model: e.BOS_CONTENT_MODEL, apiKey: e.BOS_CONTENT_API_KEY, timeoutMs: e.BOS_CONTENT_TIMEOUT_MS }
        : { kind: 'offline' as const, ...(e.BOS_CONTENT_OFFLINE_QUALITY === undefined ? {} : { quality: e.BOS_CONTENT_OFFLINE_QUALITY }) },
    ),
    twin: Object.freeze({ threads: e.BOS_TWIN_THREADS, backend: e.BOS_TWIN_BACKEND }),
  });
}
