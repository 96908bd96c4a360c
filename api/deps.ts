/**
 * Everything the API needs from the rest of the service, injected so the app stays a pure
 * function of its dependencies (tests pass fakes and call `app.request`).
 */
import type { Logger } from 'pino';
import type { ControlPlaneApi } from '../infra/control-plane-api.ts';
import type { SchedulesApi } from '../infra/drift/schedules.ts';
import type { ApiMetrics } from './metrics.ts';
import type { IdempotencyKeys } from './middleware/idempotency.ts';
import type { RateLimitOptions } from './middleware/rate-limit.ts';

/** The verified identity behind a presented bearer token; null when the token is not valid. */
export interface VerifiedToken {
  id: string;
  name: string;
  scopes: string[];
}

export type ReadinessReport = Record<string, { ok: boolean; detail?: string }>;

/** Drift-check schedules (infra/drift). Optional: without them the schedule routes answer 501. */
export type { SchedulesApi, ScheduleView } from '../infra/drift/schedules.ts';

/**
 * A handler mounted under a path, outside /v1 and its token auth, e.g. the Slack receiver under
 * `/slack`. `fetch` gets the original request with its full path (`/slack/events`), body intact.
 * (Routes added to the returned app with `app.route('/slack', slackApp)` work as well.)
 */
export interface Mount {
  path: string;
  fetch: (request: Request) => Response | Promise<Response>;
}

export interface ApiDeps {
  controlPlane: ControlPlaneApi;
  verifyToken: (presented: string) => Promise<VerifiedToken | null>;
  logger: Logger;
  /** Every cloud is the offline sandbox: the dashboard offers the demo property. */
  sandboxMode: boolean;
  version: string;
  readiness: () => Promise<ReadinessReport>;
  /** Shared metrics; one is created when absent. */
  metrics?: ApiMetrics;
  schedules?: SchedulesApi;
  /** The sample property the dashboard's demo button adds; infra/demo.ts's when absent. */
  demoPropertyInput?: () => unknown;
  rateLimit?: RateLimitOptions;
  /** Where Idempotency-Key answers are kept; this process's memory when absent. */
  idempotencyKeys?: IdempotencyKeys;
  /** Extra handlers mounted before the API's auth, each under its own path. */
  mounts?: Mount[];
  /** Seconds between SSE keep-alive comments; 15 unless told. */
  sseKeepAliveSeconds?: number;
}
