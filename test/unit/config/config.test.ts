import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../server/config/config.js';

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env, '/srv/bos');
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected loadConfig to reject the environment');
}

describe('loadConfig', () => {
  it('fills in defaults for an empty environment and freezes the result', () => {
    const config = loadConfig({}, '/srv/bos');
    expect(config).toMatchObject({
      env: 'development',
      host: '127.0.0.1',
      port: 3000,
      database: { kind: 'embedded', dataDir: path.resolve('/srv/bos', './data') },
      logLevel: 'info',
      shutdownGraceMs: 10_000,
      trustProxy: false,
      publicOrigin: 'http://127.0.0.1:3000',
      workflows: { modules: [], leaseMs: 15_000, concurrency: 64 },
      content: { kind: 'offline' },
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.database)).toBe(true);
  });

  it('selects PostgreSQL when DATABASE_URL is set', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://bos@db:5432/bos', DATABASE_POOL_SIZE: '4' });
    expect(config.database).toEqual({ kind: 'postgres', url: 'postgres://bos@db:5432/bos', poolSize: 4 });
  });

  it('resolves workflow modules from the working directory', () => {
    const config = loadConfig({ BOS_WORKFLOW_MODULES: 'shop/flows.ts, /opt/more.ts', WORKFLOW_LEASE_MS: '2000' }, '/srv/bos');
    expect(config.workflows).toEqual({ modules: ['/srv/bos/shop/flows.ts', '/opt/more.ts'], leaseMs: 2000, concurrency: 64 });
  });

  it('tunes the offline generator’s quality when asked, and leaves it at its default otherwise', () => {
    expect(loadConfig({ BOS_CONTENT_OFFLINE_QUALITY: '0.6' }).content).toEqual({ kind: 'offline', quality: 0.6 });
    expect(loadConfig({}).content).toEqual({ kind: 'offline' });
  });

  it('selects an OpenAI-compatible content provider when its URL and model are set', () => {
    const config = loadConfig({ BOS_CONTENT_PROVIDER_URL: 'http://127.0.0.1:11434/v1', BOS_CONTENT_MODEL: 'llama3.1', BOS_CONTENT_API_KEY: 'sk-test' });
    expect(config.content).toEqual({ kind: 'openai_compatible', url: 'http://127.0.0.1:11434/v1', model: 'llama3.1', apiKey: 'sk-test', timeoutMs: 30_000 });
    expect(Object.isFrozen(config.content)).toBe(true);
    expect(loadConfig({ BOS_CONTENT_PROVIDER_URL: 'https://llm.example/v1', BOS_CONTENT_MODEL: 'm', BOS_CONTENT_TIMEOUT_MS: '5000' }).content).toMatchObject({ apiKey: undefined, timeoutMs: 5000 });
  });

  it.each([
    [{ BOS_CONTENT_PROVIDER_URL: 'https://llm.example/v1' }, 'BOS_CONTENT_MODEL', 'is required when BOS_CONTENT_PROVIDER_URL is set'],
    [{ BOS_CONTENT_API_KEY: 'sk-test' }, 'BOS_CONTENT_API_KEY', 'has no effect without BOS_CONTENT_PROVIDER_URL'],
    [{ BOS_CONTENT_MODEL: 'gpt-4o-mini' }, 'BOS_CONTENT_MODEL', 'has no effect without BOS_CONTENT_PROVIDER_URL'],
    [
      { BOS_CONTENT_PROVIDER_URL: 'https://llm.example/v1', BOS_CONTENT_MODEL: 'm', BOS_CONTENT_OFFLINE_QUALITY: '0.5' },
      'BOS_CONTENT_OFFLINE_QUALITY',
      'has no effect with BOS_CONTENT_PROVIDER_URL (it tunes the offline generator)',
    ],
  ])('refuses a content provider set up halfway (%o), naming the variable', (env, variable, message) => {
    expect(configError(env).problems).toEqual([{ variable, message }]);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).port).toBe(3000);
  });

  const badValues: readonly [variable: string, value: string][] = [
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['DATABASE_URL', 'notaurl'],
    ['DATABASE_URL', 'mysql://x'],
    ['LOG_LEVEL', 'loud'],
    ['DATABASE_POOL_SIZE', '0'],
    ['SHUTDOWN_GRACE_MS', '-1'],
    ['TRUST_PROXY', 'maybe'],
    ['BOS_PUBLIC_ORIGIN', 'nope'],
    ['NODE_ENV', 'staging'],
    ['RATE_LIMIT_PER_MINUTE', 'lots'],
    ['BOS_CONTENT_PROVIDER_URL', 'ftp://llm.example'],
    ['BOS_CONTENT_PROVIDER_URL', 'not a url'],
    ['BOS_CONTENT_TIMEOUT_MS', '50'],
    ['BOS_CONTENT_TIMEOUT_MS', 'soon'],
    ['BOS_CONTENT_OFFLINE_QUALITY', '1.5'],
    ['BOS_CONTENT_OFFLINE_QUALITY', 'poor'],
  ];

  it.each(badValues)('rejects %s=%s, naming the variable', (variable, value) => {
    const error = configError({ [variable]: value });
    expect(error.code).toBe('CONFIG_INVALID');
    // One variable may break more than one rule (notaurl is neither a URL nor postgres://).
    expect(new Set(error.problems.map((problem) => problem.variable))).toEqual(new Set([variable]));
    expect(error.message).toContain(`${variable}: `);
  });

  it('names every bad variable at once', () => {
    const error = configError({ PORT: 'abc', LOG_LEVEL: 'loud', TRUST_PROXY: 'maybe' });
    expect(error.problems.map((problem) => problem.variable).sort()).toEqual(['LOG_LEVEL', 'PORT', 'TRUST_PROXY']);
  });
});
