import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../../../server/tools/tool-implementation.js';
import { createToolRegistry, DuplicateToolError } from '../../../server/tools/tool-registry.js';

const tool = (name: string) =>
  defineTool({
    spec: {
      name,
      description: 'a test tool',
      input: z.object({}),
      output: z.null(),
      effect: 'read',
      risk: 'low',
      allowedRoles: ['founder'],
      timeoutMs: 10,
      retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
      idempotency: 'transactional',
      cost: () => 0,
    },
    execute: () => Promise.resolve(null),
  });

describe('tool registry', () => {
  it('looks tools up by name and lists their specs', () => {
    const registry = createToolRegistry([tool('shop.read_orders'), tool('pricing.set_price')]);
    expect(registry.lookup('pricing.set_price')?.spec.name).toBe('pricing.set_price');
    expect(registry.lookup('pricing.nothing')).toBeUndefined();
    expect(registry.specs().map((spec) => spec.name)).toEqual(['shop.read_orders', 'pricing.set_price']);
  });

  it('refuses a name registered twice', () => {
    const registry = createToolRegistry([tool('shop.read_orders')]);
    expect(() => registry.register(tool('shop.read_orders'))).toThrow(DuplicateToolError);
  });

  it('refuses a name policies could not match (not lowercase domain.verb)', () => {
    expect(() => createToolRegistry([tool('SetPrice')])).toThrow('domain.verb');
  });
});
