/**
 * Every error a client can see, with a stable code and its HTTP status. Codes are never
 * reused for another meaning; add new ones at the end of their group.
 */
export const errorCatalog = {
  VALIDATION_FAILED: { status: 400, title: 'The request is not valid' },
  INVALID_JSON: { status: 400, title: 'The body is not valid JSON' },
  UNAUTHENTICATED: { status: 401, title: 'A valid API token is required' },
  FORBIDDEN: { status: 403, title: 'Your role does not allow this' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  CONFLICT: { status: 409, title: 'The request conflicts with the current state' },
  ALREADY_EXISTS: { status: 409, title: 'It already exists' },
  BODY_TOO_LARGE: { status: 413, title: 'The body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Send application/json' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  INTERNAL: { status: 500, title: 'Internal error' },
  NOT_READY: { status: 503, title: 'The service is not ready' },
  DATABASE_UNAVAILABLE: { status: 503, title: 'The database is unavailable' },
  // Governance (server/governance): a refusal names the verdict that decided it.
  GOV_DENIED: { status: 403, title: 'Governance refused the action' },
  POLICY_INVALID: { status: 400, title: 'The policy text is not valid' },
  POLICY_TRANSITION_INVALID: { status: 409, title: 'The policy version cannot move to that status' },
  APPROVAL_ALREADY_DECIDED: { status: 409, title: 'The approval has already been decided' },
  APPROVAL_EXPIRED: { status: 409, title: 'The approval has expired' },
  APPROVAL_VOID: { status: 409, title: 'The action changed, so its approval is void' },
  KILL_SWITCH_ALREADY_ENGAGED: { status: 409, title: 'The kill switch is already engaged for that scope' },
  KILL_SWITCH_NOT_ENGAGED: { status: 409, title: 'The kill switch is not engaged for that scope' },
  INCIDENT_TRANSITION_INVALID: { status: 409, title: 'The incident cannot move to that status' },
  // Ledger (server/ledger): money is refused with the account or key at fault.
  LEDGER_UNBALANCED: { status: 400, title: 'The transfer legs do not sum to zero per currency' },
  LEDGER_INSUFFICIENT_FUNDS: { status: 409, title: 'The transfer would break an account balance rule' },
  TRANSFER_KEY_CONFLICT: { status: 409, title: 'That transfer key was already used for a different transfer' },
  LEDGER_HOLD_NOT_PENDING: { status: 409, title: 'The hold is no longer pending' },
  LEDGER_HOLD_EXPIRED: { status: 409, title: 'The hold has expired' },
  LEDGER_NOT_REVERSIBLE: { status: 409, title: 'The transfer cannot be reversed' },
  RECONCILIATION_ALREADY_RECONCILED: { status: 409, title: 'The period is already reconciled' },
  DISPUTE_ALREADY_RESOLVED: { status: 409, title: 'The dispute is already resolved' },
  // Tool router (server/tools): how a tool call was refused or failed.
  TOOL_UNKNOWN: { status: 404, title: 'No tool has that name' },
  TOOL_FORBIDDEN: { status: 403, title: 'That actor may not use this tool' },
  IDEMPOTENCY_CONFLICT: { status: 409, title: 'That idempotency key was already used for a different call' },
  PRECONDITION_FAILED: { status: 409, title: 'Live state does not allow the call right now' },
  TOOL_TIMEOUT: { status: 504, title: 'The tool did not answer in time' },
  TOOL_FAILED: { status: 502, title: 'The tool failed' },
  TOOL_OUTPUT_INVALID: { status: 502, title: 'The tool answered with output that breaks its schema' },
  TOOL_IN_PROGRESS: { status: 409, title: 'The call with that idempotency key is still running' },
  APPROVAL_REJECTED: { status: 409, title: 'The approval was rejected' },
  APPROVAL_PENDING: { status: 409, title: 'The approval has not been decided yet' },
  DRAFT_DISCARDED: { status: 409, title: 'The draft was discarded' },
  ACTION_NOT_DRAFT: { status: 409, title: 'The action is not a draft' },
  // Console sessions (server/auth/console-session.ts): a cookie alone never authorises a write.
  CSRF_TOKEN_INVALID: { status: 403, title: 'The CSRF token is missing or does not match the session' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof errorCatalog;

export type FieldError = { path: string; message: string };

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string = errorCatalog[code].title,
    readonly extras: { errors?: readonly FieldError[]; [key: string]: unknown } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AppError';
    this.status = errorCatalog[code].status;
  }
}

export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} was not found`);
export const forbidden = (why: string) => new AppError('FORBIDDEN', why);
export const validationFailed = (errors: readonly FieldError[]) =>
  new AppError('VALIDATION_FAILED', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
