import { createHash } from 'node:crypto';
import pg from 'pg';

/**
 * Hot statements (a workflow step's group commit, the audit append, the outbox relay) start
 * with this comment, as the very first characters of their text, and are then parsed and planned once per connection and run by name
 * afterwards. slonik sends every statement unnamed, which PostgreSQL parses and plans at each
 * execution: for these large statements, about a third of their time on the server. Only
 * statements whose text never varies should carry it (each text is one statement kept per
 * connection).
 */
const preparedMarker = '/* prepared */';

const names = new Map<string, string>();
/** A number per connection: the embedded database serves every connection from one session, where two connections' names would collide. */
const connectionNumbers = new WeakMap<pg.Client, number>();
let lastConnectionNumber = 0;
let installed = false;

/**
 * Teaches pg's client to send statements that start with the marker as named prepared
 * statements; everything else goes as before. Idempotent; done once per process.
 */
export function prepareMarkedStatements(): void {
  if (installed) return;
  installed = true;
  // The original, called with each client as `this`.
  const send = Reflect.get(pg.Client.prototype, 'query') as (this: pg.Client, ...args: unknown[]) => unknown;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const [text, values, callback] = args;
    if (typeof text !== 'string' || !text.startsWith(preparedMarker)) return send.apply(this, args);
    return send.call(this, { name: statementName(this, text), text, values }, callback);
  } as typeof pg.Client.prototype.query;
}

function statementName(client: pg.Client, text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `bos_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
  }
  let number = connectionNumbers.get(client);
  if (number === undefined) {
    lastConnectionNumber += 1;
    number = lastConnectionNumber;
    connectionNumbers.set(client, number);
  }
  return `${name}_${number}`;
}
