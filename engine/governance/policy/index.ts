export { builtinPolicies, type PolicySource } from './builtin-policies.js';
export { compilePolicy, type CompiledPolicy, type CompiledRule } from './compile-policy.js';
export { evaluatePolicies } from './evaluate-policies.js';
export { MissingFieldError } from './missing-field-error.js';
export { parsePolicy } from './parse-policy.js';
export { policyRoots, type PolicyAst, type PolicyRoot, type RuleAst, type SourcePosition, type ToolPattern } from './policy-ast.js';
export type { FailClosed, PolicyEvaluation } from './policy-evaluation.js';
export { policyFunctionNames } from './policy-functions.js';
export { PolicyParseError } from './policy-parse-error.js';
export { createPolicySet, type PolicySet } from './policy-set.js';
export { loadPolicyTestSuite, parsePolicyTestCases, type PolicyTestCase, type PolicyTestSuite, type SuiteFile, type SuiteProblem } from './policy-test-suite.js';
export { PolicyTypeError } from './policy-type-error.js';
export {
  formatPolicyTestReport,
  runPolicyTests,
  type PolicyCompileError,
  type PolicyTestReport,
  type PolicyTestResult,
  type PolicyTestSource,
} from './run-policy-tests.js';
export { toolPatternMatches } from './tool-pattern.js';
