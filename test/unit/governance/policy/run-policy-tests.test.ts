import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatPolicyTestReport, loadPolicyTestSuite, parsePolicyTestCases, runPolicyTests } from '../../../../engine/governance/policy/index.js';
import { fixtures, readSuiteFiles, withCondition } from './helpers.js';

describe('policy test suites', () => {
  it('runs a directory of policies and cases (what `bos policy test DIR` does)', () => {
    const suite = loadPolicyTestSuite(readSuiteFiles(path.join(fixtures, 'sample')));
    expect(suite.policies.map((policy) => policy.name)).toEqual(['agent-price-moves.policy', 'creator-commission.policy']);
    expect(suite.problems).toEqual([]);
    const report = runPolicyTests(suite.policies, suite.cases);
    expect(report.compileErrors).toEqual([]);
    expect(report.results.filter((result) => result.status === 'FAIL')).toEqual([]);
    expect(report.totals).toEqual({ total: 9, passed: 9, failed: 0 });
    expect(report.ok).toBe(true);
    expect(report.results[0]).toMatchObject({ file: 'agent-price-moves.json', status: 'PASS', expected: 'allow', actual: 'allow', reasons: [] });
  });

  it('reports a policy that does not compile with its file, line and column, and fails every case', () => {
    const suite = loadPolicyTestSuite(readSuiteFiles(path.join(fixtures, 'invalid')));
    const report = runPolicyTests(suite.policies, suite.cases);
    expect(report.ok).toBe(false);
    expect(report.compileErrors).toEqual([{ name: 'unsafe.policy', line: 3, column: 27, message: 'line 3, column 27: `constructor` is not allowed in policies' }]);
    expect(report.results).toMatchObject([{ status: 'FAIL', actual: null, reasons: ['the policies did not compile'] }]);
    expect(formatPolicyTestReport(report)).toBe(
      'ERROR unsafe.policy: line 3, column 27: `constructor` is not allowed in policies\n' +
        'FAIL never runs: the policy does not compile (unsafe.json): the policies did not compile\n' +
        '0 passed, 1 failed, 1 total\n',
    );
  });

  it('says why a case failed: wrong outcome, and fail-closed expectations both ways', () => {
    const policies = [{ name: 'probe', source: withCondition('context.limit > 10') }];
    const base = { tool: 'pricing.set_price', orgUnitId: 'o', actor: { id: 'a', kind: 'user', role: 'operator' }, input: {}, autonomous: false } as const;
    const report = runPolicyTests(policies, [
      { name: 'wrong outcome', action: { ...base, context: { limit: 11 } }, expect: 'allow' },
      { name: 'expected fail closed', action: { ...base, context: { limit: 11 } }, expect: 'deny', failClosed: true },
      { name: 'unexpected fail closed', action: { ...base, context: {} }, expect: 'deny', failClosed: false },
      { name: 'passes', action: { ...base, context: { limit: 1 } }, expect: 'allow', failClosed: false },
    ]);
    expect(report.results.map((result) => [result.name, result.status, result.reasons])).toEqual([
      ['wrong outcome', 'FAIL', ['expected allow, got deny (probe#1 deny: probe)']],
      ['expected fail closed', 'FAIL', ['expected a rule to fail closed, but every rule evaluated']],
      ['unexpected fail closed', 'FAIL', ['expected no rule to fail closed, but probe#1 failed closed: missing field context.limit']],
      ['passes', 'PASS', []],
    ]);
    expect(report.totals).toEqual({ total: 4, passed: 1, failed: 3 });
  });

  it('fills in action defaults and refuses malformed cases with the file and index', () => {
    const { cases, problems } = parsePolicyTestCases(
      'cases.json',
      JSON.stringify([
        { name: 'minimal', action: { tool: 'refunds.issue' }, expect: 'allow' },
        { name: 'typo', action: { tool: 'refunds.issue', contxt: {} }, expect: 'allow' },
        { name: 'bad expect', action: { tool: 'refunds.issue' }, expect: 'permit' },
        { name: 'bad forecast', action: { tool: 'refunds.issue', projected: { marginPercent: '0.2' } }, expect: 'allow' },
        { name: 'bad role', action: { tool: 'refunds.issue', actor: { id: 'x', kind: 'user', role: 'admin' } }, expect: 'allow' },
        'not a case',
      ]),
    );
    expect(cases).toEqual([
      {
        name: 'minimal',
        file: 'cases.json',
        expect: 'allow',
        action: { orgUnitId: 'policy_test', actor: { id: 'policy-test', kind: 'user', role: 'operator' }, tool: 'refunds.issue', input: {}, context: {}, autonomous: false },
      },
    ]);
    expect(problems).toEqual([
      { path: 'cases.json[1]', message: 'typo: action has unknown field contxt' },
      { path: 'cases.json[2]', message: 'bad expect: expect must be one of allow, require_approval, deny' },
      { path: 'cases.json[3]', message: 'bad forecast: action.projected.marginPercent must be a number' },
      { path: 'cases.json[4]', message: 'bad role: action.actor.role must be one of founder, operator, viewer, agent, system' },
      { path: 'cases.json[5]', message: 'a case is an object { "name", "action", "expect", "failClosed"? }' },
    ]);
    expect(parsePolicyTestCases('broken.json', '{').problems[0]?.message).toMatch(/^not JSON/);
  });

  it('ignores files that are neither policies nor cases', () => {
    const suite = loadPolicyTestSuite([{ path: 'README.md', text: '# notes' }]);
    expect(suite).toEqual({ policies: [], cases: [], problems: [] });
  });
});
