import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { Action } from './action.js';

/**
 * The identity of an action: SHA-256 of its RFC 8785 canonical JSON. An approval binds to
 * this hash, so approving one action never approves a different one (DESIGN §3).
 *
 * Actions may carry non-finite numbers (the twin reports `cashRunwayDays: Infinity` when
 * nothing burns), which JSON cannot hold. They are written as the strings "Infinity",
 * "-Infinity" and "NaN": a number field turning into such a string would need a tool
 * schema that accepts both types, which none does. Properties that are undefined are left
 * out, as JSON.stringify does; anything else that is not plain JSON is refused by name.
 */
export type ActionJson = null | boolean | number | string | readonly ActionJson[] | { readonly [key: string]: ActionJson };

const maxDepth = 32;

/** The action as plain JSON, the form that is hashed and stored beside an approval. */
export function actionJson(action: Action): { readonly [key: string]: ActionJson } {
  return toJson(action, 'action', 0) as { readonly [key: string]: ActionJson };
}

/** The exact text whose SHA-256 is the action hash. */
export function canonicalActionText(action: Action): string {
  const text = canonicalize(actionJson(action));
  if (text === undefined) throw new TypeError('action has no JSON form');
  return text;
}

export function actionHash(action: Action): string {
  return createHash('sha256').update(canonicalActionText(action), 'utf8').digest('hex');
}

function toJson(value: unknown, path: string, depth: number): ActionJson {
  if (depth > maxDepth) throw new TypeError(`${path} nests deeper than ${maxDepth} levels (or refers to itself)`);
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (Array.isArray(value)) return value.map((item: unknown, index) => toJson(item ?? null, `${path}[${index}]`, depth + 1));
  if (typeof value === 'object' && isPlain(value)) {
    const out: Record<string, ActionJson> = {};
    for (const [key, child] of Object.entries(value)) {
      if (child !== undefined) out[key] = toJson(child, `${path}.${key}`, depth + 1);
    }
    return out;
  }
  throw new TypeError(`${path} is a ${typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value}, not a JSON value`);
}

function isPlain(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
