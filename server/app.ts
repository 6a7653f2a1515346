import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import rateLimit from '@fastify/rate-limit';
import { fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Database } from '../db/open-database.js';
import type { Role } from '../engine/kernel/index.js';
import { bearerTokenSource, installAuth } from './auth/auth-plugin.js';
import { createAuthenticator, type Authenticator } from './auth/authenticator.js';
import { sessionCookieSource } from './auth/console-session.js';
import { serveSessionRoutes } from './auth/session-routes.js';
import type { Config } from './config/config.js';
import { AppError } from './errors/catalog.js';
import { serveConsole } from './http/console-files.js';
import { installErrorHandling } from './http/error-handler.js';
import { installHealth, type Readiness } from './http/health.js';
import { installMetrics } from './http/metrics.js';
import { installSecurityHeaders } from './http/security-headers.js';
import { createAuditWriter, type AuditWriter } from './governance/audit-writer.js';
import type { Publish } from './governance/governance-deps.js';
import { createGovernanceServices, type GovernanceServices } from './governance/governance-services.js';
import { createEventIngestion, type EventIngestion } from './ingestion/event-ingestion.js';
import { createLiveStream, type LiveStream } from './live/live-stream.js';
import { auditExportDoc, serveAuditExport } from './api/audit-export-route.js';
import { auditMutations } from './api/audit-mutations.js';
import { serveDocs } from './api/docs-routes.js';
import { createOperations } from './api/operations/index.js';
import { serveRest } from './api/rest-adapter.js';
import { createTrpcRouter, trpcContext } from './api/trpc-router.js';
import { createLedgerService, type LedgerService } from './ledger/ledger-service.js';
import type { ContentGenerator } from '../engine/content/index.js';
import { createContentGenerator } from './content/content-generators.js';
import { createEvaluatorService, type EvaluatorService } from './evaluator/evaluator-service.js';
import { businessTools, payoutLedgerTools } from './tools/business-tools/index.js';
import { workflowTools } from './tools/business-tools/workflow-tools.js';
import { ledgerTools } from './tools/ledger-tools.js';
import type { ToolRouter } from './tools/tool-implementation.js';
import { createToolRegistry } from './tools/tool-registry.js';
import { createToolRouter } from './tools/tool-router.js';
import { loadWorkflowCatalog } from './workflows/workflow-catalog.js';
import type { WorkflowModule } from './workflows/workflow-modules.js';
import { createDecisionService, type DecisionService } from './decisions/decision-service.js';
import { twinForecast } from './decisions/twin-forecast.js';
import { createGoalService } from './goals/goal-service.js';
import { createPolicyService } from './decisions/policy-service.js';
import { createWorkflowRuntime, type WorkflowRuntime } from './workflows/workflow-runtime.js';
import { createWorkflowService, type WorkflowService } from './workflows/workflow-service.js';
import { seededRandom } from '../engine/kernel/index.js';
import { schedulesOf } from '../engine/workflows/index.js';
import { createCalibrationService, type CalibrationService } from './twin/calibration-service.js';
import { createLazyModelPool, type LazyModelPool } from './twin/lazy-model-pool.js';
import { createTwinService, type TwinService } from './twin/twin-service.js';

export type AppDeps = {
  config: Config;
  database: Pick<Database, 'pool' | 'kind'>;
  logger: Logger;
  /** Shared with main, which flips it while migrating and shutting down. */
  readiness: Readiness;
};

/** The application and the parts of it that main, tests and benchmarks reach into. */
export type BuiltApp = {
  app: FastifyInstance;
  authenticator: Authenticator;
  /** The Socket.IO live stream on the same server; everything streamed goes through `live.publish`. */
  live: LiveStream;
  /** The governance plane of this process (governor, policies, approvals, kill switch, incidents). */
  governance: GovernanceServices;
  audit: AuditWriter;
  /** Business events in: each stores once and starts the workflows its type triggers. */
  ingestion: EventIngestion;
  ledger: LedgerService;
  /** The only way a side effect happens. */
  tools: ToolRouter;
  /** Hosts workflow runs; main starts it once the database is migrated. */
  runtime: WorkflowRuntime;
  workflows: WorkflowService;
  /** Outcome series and their regression detectors; an alarm reaches governance through `workflows.regressionDetected`. */
  evaluator: EvaluatorService;
  /** Writes content: the offline generator, or the provider BOS_CONTENT_PROVIDER_URL names. */
  contentGenerator: ContentGenerator;
  /** The configured workflow modules (main runs their `prepare` before the runtime starts). */
  workflowModules: readonly WorkflowModule[];
  /** The digital twin and the model workers it runs on (started on the first simulation). */
  twin: TwinService;
  decisions: DecisionService;
  calibration: CalibrationService;
  models: LazyModelPool;
  /** Every route as registered, so tests can prove they cover all of them. */
  routes: readonly RouteEntry[];
};

export type RouteEntry = { method: string; url: string; access: readonly Role[] | undefined };

const appVersion = '0.1.0';
const requestIdPattern = /^[A-Za-z0-9._-]{1,64}$/;

/** Builds the whole HTTP application without listening; tests drive it with `inject()`. */
export async function buildApp(deps: AppDeps): Promise<BuiltApp> {
  const { config, database, logger, readiness } = deps;
  // Typed as fastify's base logger so the instance keeps fastify's default type parameters.
  const baseLogger: FastifyBaseLogger = logger;
  const app = Fastify({
    loggerInstance: baseLogger,
    trustProxy: config.trustProxy,
    bodyLimit: 256 * 1024,
    // Echo a caller's request id when it is sane, so logs join up across services.
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && requestIdPattern.test(given) ? given : randomUUID();
    },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  const routes: RouteEntry[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') routes.push({ method, url: route.url, access: route.config?.access });
    }
  });

  const authenticator = createAuthenticator(database.pool);
  installErrorHandling(app);
  installSecurityHeaders(app);
  await app.register(rateLimit, {
    max: config.rateLimitPerMinute,
    timeWindow: 60_000,
    // Per token when there is one, so clients behind one address do not starve each other.
    keyGenerator: (request) => {
      const header = request.headers.authorization;
      return typeof header === 'string' ? `auth:${header.slice(-24)}` : `ip:${request.ip}`;
    },
    // Limit headers only on a refusal (with Retry-After): three more headers on every
    // answer cost a measurable share of a fast route's throughput.
    addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
    errorResponseBuilder: (_request, context) =>
      new AppError('RATE_LIMITED', `Rate limit of ${context.max} requests per minute exceeded; retry in ${context.after}`),
  });
  // A bearer token wins over a console cookie: API clients never depend on browser state.
  const credentialSources = [bearerTokenSource(authenticator), sessionCookieSource(authenticator)];
  installAuth(app, credentialSources);
  installMetrics(app);
  installHealth(app, { pool: database.pool, readiness });

  const live = createLiveStream({ httpServer: app.server, pool: database.pool, authenticator, logger });
  const audit = createAuditWriter(database.pool, { logger });
  const publish: Publish = (orgUnitId, type, payload) => live.publish(orgUnitId, type, payload);
  const clock = { now: Date.now };
  const governance = createGovernanceServices({ pool: database.pool, audit, publish, clock, logger });
  const ledger = createLedgerService({ pool: database.pool, clock, logger, publish });
  const { catalog, modules } = await loadWorkflowCatalog(config.workflows.modules);
  const registry = createToolRegistry([...ledgerTools, ...payoutLedgerTools, ...businessTools, ...modules.flatMap((module) => module.tools ?? [])]);
  const tools = createToolRouter({
    pool: database.pool,
    governance,
    audit,
    clock,
    logger,
    registry,
    services: { ledger },
    random: seededRandom(randomUUID()),
  });
  const runtime = createWorkflowRuntime(
    { pool: database.pool, catalog, router: tools, killSwitch: governance.killSwitchState, clock, logger, announce: (envelopes) => live.announce(envelopes) },
    { leaseMs: config.workflows.leaseMs, concurrency: config.workflows.concurrency, listenUrl: config.database.kind === 'postgres' ? config.database.url : undefined },
  );
  // An engage pauses workflows and a release drops them to A0: the runtime must not act on what it had cached.
  governance.killSwitch.onChanged((orgUnitId) => runtime.settingsStale(orgUnitId));
  // A run waiting on an approval goes on as soon as it is decided here (other processes' decisions reach it by the runtime's sweep).
  governance.approvals.onDecided(({ approval }) => (approval.workflowRunId ? runtime.wake([approval.workflowRunId]) : undefined));
  const models = createLazyModelPool({ ...(config.twin.threads ? { threads: config.twin.threads } : {}), ...(config.twin.backend ? { backend: config.twin.backend } : {}) });
  const twin = createTwinService({ pool: database.pool, runner: models, publish, clock, policySets: governance.policySets, logger });
  const forecast = twinForecast(twin);
  const policies = createPolicyService({ pool: database.pool, governance, audit, clock, forecast });
  const workflows = createWorkflowService({
    pool: database.pool,
    catalog,
    runtime,
    router: tools,
    governor: governance.governor,
    incidents: governance.incidents,
    audit,
    clock,
    autonomyEvidence: (actor, orgUnitId, workflowId) => policies.autonomyEvidence(actor, orgUnitId, workflowId),
  });
  const evaluator = createEvaluatorService({ pool: database.pool, workflows, incidents: governance.incidents, clock });
  const contentGenerator = createContentGenerator(config.content);
  const ingestion = createEventIngestion({ pool: database.pool, publish, logger, now: clock.now, onRunsStarted: () => runtime.wake(), schedules: schedulesOf(catalog.all()) });
  const calibration = createCalibrationService({ pool: database.pool, fitter: models, twin, clock });
  const decisions = createDecisionService({ pool: database.pool, governance, router: tools, clock, publish, forecast });
  // These reach services that need the router themselves, so they join the registry last.
  for (const tool of workflowTools({ contentGenerator, evaluator, incidents: governance.incidents, decisions })) registry.register(tool);
  const operations = auditMutations(
    createOperations({ pool: database.pool, authenticator, governance, ingestion, workflows, ledger, tools, decisions, policies, goals: createGoalService({ pool: database.pool, now: Date.now }), twin, calibration, now: Date.now }),
    audit,
  );
  serveRest(app, operations);
  await app.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    trpcOptions: {
      router: createTrpcRouter(operations),
      createContext: ({ req }: { req: FastifyRequest }) => trpcContext(req, credentialSources),
    },
  });
  serveAuditExport(app, { pool: database.pool });
  serveSessionRoutes(app, { pool: database.pool, authenticator, secureCookies: config.publicOrigin.startsWith('https:'), now: Date.now });
  serveConsole(app, { buildDir: fileURLToPath(new URL('../console/build', import.meta.url)) });
  serveDocs(app, operations, { version: appVersion, serverUrl: config.publicOrigin }, auditExportDoc);

  // preClose, not onClose: open websockets would otherwise hold fastify's close() up.
  app.addHook('preClose', async () => live.close());
  // After the last request: whatever it audited is committed before the pool closes.
  app.addHook('onClose', async () => {
    await runtime.stop();
    await models.close();
    await governance.governor.flush();
    await audit.close();
  });

  // Not the instance itself: fastify instances are thenables, and an async function
  // returning one would await its readiness here.
  return { app, authenticator, live, governance, audit, ingestion, ledger, tools, runtime, workflows, evaluator, contentGenerator, decisions, workflowModules: modules, twin, calibration, models, routes };
}
