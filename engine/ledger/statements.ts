import { parseMoney } from '../kernel/index.js';
import { isCurrency } from './accounts.js';

/**
 * A processor statement line. CSV has a header row naming its columns (any order):
 * `reference`, `currency`, and either `amount` (decimal, "19.99") or `amount_minor`
 * (integer); `date` (YYYY-MM-DD) and `description` are optional. JSON is an array of
 * `{ reference, currency, amountMinor | amount, date?, description? }` or `{ lines: [...] }`.
 */
export type StatementLine = Readonly<{ line: number; reference: string; currency: string; amountMinor: number; date?: string; description?: string }>;

export type StatementProblem = Readonly<{ path: string; message: string }>;

export class StatementError extends Error {
  constructor(readonly problems: readonly StatementProblem[]) {
    super(problems.map((p) => `${p.path}: ${p.message}`).join('; '));
    this.name = 'StatementError';
  }
}

export const statementFormats = ['csv', 'json'] as const;
export type StatementFormat = (typeof statementFormats)[number];

export const maxStatementLines = 100_000;

type RawLine = Readonly<Record<string, unknown>>;

export function parseStatement(format: StatementFormat, text: string): StatementLine[] {
  return format === 'csv' ? parseCsvStatement(text) : parseJsonStatement(text);
}

export function parseJsonStatement(text: string): StatementLine[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new StatementError([{ path: 'statement', message: `is not valid JSON (${(error as Error).message})` }]);
  }
  const lines = Array.isArray(data) ? data : isRecord(data) && Array.isArray(data.lines) ? data.lines : undefined;
  if (!lines) throw new StatementError([{ path: 'statement', message: 'must be an array of lines or { "lines": [...] }' }]);
  // JSON lines are numbered from 1, like the CSV data rows below its header.
  return collect(lines.map((raw: unknown, index) => ({ raw, line: index + 1 })));
}

export function parseCsvStatement(text: string): StatementLine[] {
  const rows = splitCsv(text);
  const header = rows[0];
  if (!header) throw new StatementError([{ path: 'line 1', message: 'the header row is missing' }]);
  const names = header.cells.map((cell) => cell.trim().toLowerCase());
  const problems: StatementProblem[] = [];
  for (const required of ['reference', 'currency']) {
    if (!names.includes(required)) problems.push({ path: 'line 1', message: `the header has no "${required}" column` });
  }
  if (!names.includes('amount') && !names.includes('amount_minor')) problems.push({ path: 'line 1', message: 'the header has no "amount" or "amount_minor" column' });
  if (problems.length > 0) throw new StatementError(problems);
  const items = rows.slice(1).map((row) => {
    if (row.cells.length !== names.length) return { raw: undefined, line: row.line, width: row.cells.length };
    const raw: Record<string, unknown> = {};
    names.forEach((name, i) => {
      const cell = (row.cells[i] ?? '').trim();
      if (cell === '') return;
      if (name === 'amount_minor') raw.amountMinor = /^-?\d+$/.test(cell) ? Number(cell) : cell;
      else raw[name] = cell;
    });
    return { raw, line: row.line };
  });
  const widthProblems = items.flatMap((item) =>
    'width' in item ? [{ path: `line ${item.line}`, message: `has ${item.width} cells, the header has ${names.length}` }] : [],
  );
  if (widthProblems.length > 0) throw new StatementError(widthProblems);
  return collect(items);
}

function collect(items: readonly { raw: unknown; line: number }[]): StatementLine[] {
  if (items.length > maxStatementLines) throw new StatementError([{ path: 'statement', message: `has more than ${maxStatementLines} lines` }]);
  const problems: StatementProblem[] = [];
  const lines: StatementLine[] = [];
  const seen = new Map<string, number>();
  for (const { raw, line } of items) {
    const at = `line ${line}`;
    if (!isRecord(raw)) {
      problems.push({ path: at, message: 'must be an object' });
      continue;
    }
    const parsed = parseLine(raw, line, problems);
    // A repeated reference is reported even when either line has other problems.
    const reference = typeof raw.reference === 'string' ? raw.reference : undefined;
    const earlier = reference === undefined ? undefined : seen.get(reference);
    if (reference !== undefined && earlier !== undefined) {
      problems.push({ path: `${at}.reference`, message: `"${reference}" already appears on line ${earlier}` });
      continue;
    }
    if (reference !== undefined) seen.set(reference, line);
    if (parsed) lines.push(parsed);
  }
  if (problems.length > 0) throw new StatementError(problems);
  return lines;
}

function parseLine(raw: RawLine, line: number, problems: StatementProblem[]): StatementLine | undefined {
  const at = `line ${line}`;
  const before = problems.length;
  const reference = raw.reference;
  if (typeof reference !== 'string' || reference.length === 0 || reference.length > 200) {
    problems.push({ path: `${at}.reference`, message: 'must be text of 1 to 200 characters' });
  }
  const currency = raw.currency;
  if (typeof currency !== 'string' || !isCurrency(currency)) problems.push({ path: `${at}.currency`, message: 'must be a three-letter currency code' });
  let amountMinor: number | undefined;
  if (raw.amountMinor !== undefined) {
    if (typeof raw.amountMinor === 'number' && Number.isSafeInteger(raw.amountMinor) && raw.amountMinor !== 0) amountMinor = raw.amountMinor;
    else problems.push({ path: `${at}.amount_minor`, message: 'must be a non-zero whole number of minor units' });
  } else if (raw.amount !== undefined) {
    try {
      if (typeof raw.amount !== 'string') throw new RangeError('not text');
      amountMinor = parseMoney(raw.amount);
      if (amountMinor === 0) throw new RangeError('zero');
    } catch {
      problems.push({ path: `${at}.amount`, message: 'must be a non-zero decimal amount like "19.99" (a string in JSON)' });
    }
  } else {
    problems.push({ path: `${at}.amount`, message: 'is missing' });
  }
  const date = raw.date;
  if (date !== undefined && (typeof date !== 'string' || !isIsoDate(date))) problems.push({ path: `${at}.date`, message: 'must be a date like 2026-11-25' });
  const description = raw.description;
  if (description !== undefined && typeof description !== 'string') problems.push({ path: `${at}.description`, message: 'must be text' });
  if (problems.length > before || amountMinor === undefined) return undefined;
  return {
    line,
    reference: reference as string,
    currency: currency as string,
    amountMinor,
    ...(typeof date === 'string' ? { date } : {}),
    ...(typeof description === 'string' ? { description } : {}),
  };
}

function isIsoDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const parsed = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(text);
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** RFC 4180 CSV: quoted cells may hold commas, quotes ("") and newlines. Blank lines are skipped. */
function splitCsv(text: string): { line: number; cells: string[] }[] {
  const rows: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowStart = 1;
  let rowHasContent = false;
  const endRow = () => {
    cells.push(cell);
    if (rowHasContent || cells.length > 1 || cell !== '') rows.push({ line: rowStart, cells });
    cells = [];
    cell = '';
    rowHasContent = false;
  };
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line += 1;
        cell += ch;
      }
      continue;
    }
    if (ch === '"') {
      quoted = true;
      rowHasContent = true;
    } else if (ch === ',') {
      cells.push(cell);
      cell = '';
      rowHasContent = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i += 1;
      endRow();
      line += 1;
      rowStart = line;
    } else cell += ch;
  }
  if (quoted) throw new StatementError([{ path: `line ${rowStart}`, message: 'a quoted cell is never closed' }]);
  endRow();
  return rows;
}
