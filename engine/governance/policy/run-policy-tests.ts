import type { RuleMatch, VerdictOutcome } from '../action.js';
import type { CompiledPolicy } from './compile-policy.js';
import { compilePolicy } from './compile-policy.js';
import type { FailClosed } from './policy-evaluation.js';
import { PolicyParseError } from './policy-parse-error.js';
import type { PolicySet } from './policy-set.js';
import { createPolicySet } from './policy-set.js';
import type { PolicyTestCase } from './policy-test-suite.js';

export type PolicyTestResult = Readonly<{
  name: string;
  file?: string;
  status: 'PASS' | 'FAIL';
  expected: VerdictOutcome;
  /** null when the policies did not compile and nothing was evaluated. */
  actual: VerdictOutcome | null;
  failClosed: readonly FailClosed[];
  matched: readonly RuleMatch[];
  /** Why a case failed; empty when it passed. */
  reasons: readonly string[];
}>;

export type PolicyCompileError = Readonly<{ name: string; message: string; line?: number; column?: number }>;

export type PolicyTestReport = Readonly<{
  ok: boolean;
  results: readonly PolicyTestResult[];
  totals: Readonly<{ total: number; passed: number; failed: number }>;
  compileErrors: readonly PolicyCompileError[];
}>;

export type PolicyTestSource = Readonly<{ name: string; source: string; version?: number }>;

/**
 * Compiles the policies as one set and checks each case's verdict. If any policy does not
 * compile, every case fails: a set with a policy missing would answer differently than
 * the one the author meant to test.
 */
export function runPolicyTests(policySources: readonly PolicyTestSource[], cases: readonly PolicyTestCase[]): PolicyTestReport {
  const compileErrors: PolicyCompileError[] = [];
  const compiled: CompiledPolicy[] = [];
  for (const { name, source, version = 1 } of policySources) {
    try {
      compiled.push(compilePolicy(source, { version }));
    } catch (error) {
      if (!(error instanceof PolicyParseError)) throw error;
      compileErrors.push({ name, message: error.message, line: error.line, column: error.column });
    }
  }
  let set: PolicySet | undefined;
  try {
    set = compileErrors.length === 0 ? createPolicySet(compiled) : undefined;
  } catch (error) {
    compileErrors.push({ name: 'policy set', message: error instanceof Error ? error.message : String(error) });
  }
  const results = cases.map((testCase): PolicyTestResult => {
    const base = { name: testCase.name, ...(testCase.file === undefined ? {} : { file: testCase.file }), expected: testCase.expect };
    if (set === undefined) {
      return { ...base, status: 'FAIL', actual: null, failClosed: [], matched: [], reasons: ['the policies did not compile'] };
    }
    const evaluation = set.evaluate(testCase.action);
    const reasons: string[] = [];
    if (evaluation.outcome !== testCase.expect) reasons.push(`expected ${testCase.expect}, got ${evaluation.outcome} (${explain(evaluation.matched, evaluation.failClosed)})`);
    const failedClosed = evaluation.failClosed.length > 0;
    if (testCase.failClosed === true && !failedClosed) reasons.push('expected a rule to fail closed, but every rule evaluated');
    if (testCase.failClosed === false && failedClosed) reasons.push(`expected no rule to fail closed, but ${explain([], evaluation.failClosed)}`);
    return { ...base, status: reasons.length === 0 ? 'PASS' : 'FAIL', actual: evaluation.outcome, failClosed: evaluation.failClosed, matched: evaluation.matched, reasons };
  });
  const passed = results.filter((result) => result.status === 'PASS').length;
  return {
    ok: compileErrors.length === 0 && passed === results.length,
    results,
    totals: { total: results.length, passed, failed: results.length - passed },
    compileErrors,
  };
}

function explain(matched: readonly RuleMatch[], failClosed: readonly FailClosed[]): string {
  const parts = [
    ...matched.map((match) => `${match.policy}#${match.rule} ${match.effect}: ${match.message}`),
    ...failClosed.map((entry) => `${entry.policy}#${entry.rule} failed closed: ${entry.reason}`),
  ];
  return parts.length === 0 ? 'no rule matched' : parts.join('; ');
}

/** The human-readable form the CLI prints: one line per case, then the totals. */
export function formatPolicyTestReport(report: PolicyTestReport): string {
  const lines = [
    ...report.compileErrors.map((error) => `ERROR ${error.name}: ${error.message}`),
    ...report.results.map((result) => (result.status === 'PASS' ? `PASS ${result.name}` : `FAIL ${result.name}${result.file === undefined ? '' : ` (${result.file})`}: ${result.reasons.join('; ')}`)),
    `${report.totals.passed} passed, ${report.totals.failed} failed, ${report.totals.total} total`,
  ];
  return `${lines.join('\n')}\n`;
}
