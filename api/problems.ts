/**
 * The one place that turns errors into `application/problem+json` responses (RFC 9457).
 * Codes come from infra/errors.ts; the few that only exist at the HTTP edge (rate limits, body
 * size, media type, missing features) are defined here. A response never carries a stack trace
 * or the text of an error we did not make ourselves.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import type { RefusalCode } from '../infra/control-plane-api.ts';
import { BlkshpError, ERROR_CODES, type ErrorCode, type FieldIssue } from '../infra/errors.ts';

// Codes that only the HTTP transport can produce (limits, media types): they stay at this edge,
// next to the one mapper that turns every error into a problem response.
export const HTTP_ERROR_CODES = {
  rateLimited: 'BLKSHP_RATE_LIMITED',
  payloadTooLarge: 'BLKSHP_PAYLOAD_TOO_LARGE',
  unsupportedMediaType: 'BLKSHP_UNSUPPORTED_MEDIA_TYPE',
  notImplemented: 'BLKSHP_NOT_IMPLEMENTED',
  unavailable: 'BLKSHP_UNAVAILABLE',
} as const;

export type ProblemCode = ErrorCode | (typeof HTTP_ERROR_CODES)[keyof typeof HTTP_ERROR_CODES];

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ProblemCode;
  detail: string;
  issues: FieldIssue[];
  /** For a refused request: the control plane's reason code, e.g. `stale-preview`. */
  refusal?: RefusalCode;
  requestId?: string;
}

const STATUS_BY_CODE: Record<ProblemCode, ContentfulStatusCode> = {
  BLKSHP_INVALID_INPUT: 400,
  BLKSHP_UNAUTHENTICATED: 401,
  BLKSHP_FORBIDDEN: 403,
  BLKSHP_NOT_FOUND: 404,
  BLKSHP_CONFLICT: 409,
  BLKSHP_PAYLOAD_TOO_LARGE: 413,
  BLKSHP_UNSUPPORTED_MEDIA_TYPE: 415,
  BLKSHP_RATE_LIMITED: 429,
  BLKSHP_INTERNAL: 500,
  BLKSHP_CONFIG_INVALID: 500,
  BLKSHP_ENGINE_FAILED: 500,
  BLKSHP_NOT_IMPLEMENTED: 501,
  BLKSHP_ENGINE_UNAVAILABLE: 503,
  BLKSHP_UNAVAILABLE: 503,
};

const TITLE_BY_CODE: Record<ProblemCode, string> = {
  BLKSHP_INVALID_INPUT: 'Invalid input',
  BLKSHP_UNAUTHENTICATED: 'Authentication required',
  BLKSHP_FORBIDDEN: 'Not allowed',
  BLKSHP_NOT_FOUND: 'Not found',
  BLKSHP_CONFLICT: 'Conflict',
  BLKSHP_PAYLOAD_TOO_LARGE: 'Request body too large',
  BLKSHP_UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type',
  BLKSHP_RATE_LIMITED: 'Too many requests',
  BLKSHP_INTERNAL: 'Internal error',
  BLKSHP_CONFIG_INVALID: 'Service misconfigured',
  BLKSHP_ENGINE_FAILED: 'Engine failed',
  BLKSHP_NOT_IMPLEMENTED: 'Not implemented',
  BLKSHP_ENGINE_UNAVAILABLE: 'Engine unavailable',
  BLKSHP_UNAVAILABLE: 'Service unavailable',
};

export function statusForCode(code: ProblemCode): ContentfulStatusCode {
  return STATUS_BY_CODE[code];
}

/** A stable URI per code, e.g. `urn:blkshp:problem:invalid-input`. */
export function problemType(code: ProblemCode): string {
  return `urn:blkshp:problem:${code
    .replace(/^BLKSHP_/, '')
    .toLowerCase()
    .replaceAll('_', '-')}`;
}

export function problemBody(
  code: ProblemCode,
  detail: string,
  extra: { issues?: FieldIssue[]; refusal?: RefusalCode; requestId?: string } = {},
): Problem {
  const body: Problem = {
    type: problemType(code),
    title: TITLE_BY_CODE[code],
    status: statusForCode(code),
    code,
    detail,
    issues: extra.issues ?? [],
  };
  if (extra.refusal !== undefined) body.refusal = extra.refusal;
  if (extra.requestId !== undefined) body.requestId = extra.requestId;
  return body;
}

/**
 * Thrown by handlers for an answer that is not a success (a refusal, a missing feature); the
 * error mapper turns it into the problem response. Throwing keeps each route's typed success
 * path free of the problem variants.
 */
export class ProblemError extends Error {
  readonly code: ProblemCode;
  readonly refusal: RefusalCode | undefined;
  readonly issues: FieldIssue[];

  constructor(
    code: ProblemCode,
    detail: string,
    extra: { refusal?: RefusalCode; issues?: FieldIssue[] } = {},
  ) {
    super(detail);
    this.name = 'ProblemError';
    this.code = code;
    this.refusal = extra.refusal;
    this.issues = extra.issues ?? [];
  }
}

/** A refusal from the control plane: a missing thing is 404, every other refusal a 409. */
export function refusalError(refusal: RefusalCode, reason: string): ProblemError {
  const code = refusal === 'not-found' ? ERROR_CODES.notFound : ERROR_CODES.conflict;
  return new ProblemError(code, reason, { refusal });
}

/** Answers with a problem document; `status` overrides the code's usual status. */
export function problem(
  c: Context,
  code: ProblemCode,
  detail: string,
  extra: { issues?: FieldIssue[]; refusal?: RefusalCode; status?: ContentfulStatusCode } = {},
): Response {
  const requestId = c.get('requestId') as string | undefined;
  const body = problemBody(code, detail, { ...extra, requestId });
  const status = extra.status ?? statusForCode(code);
  body.status = status;
  c.header('Content-Type', PROBLEM_CONTENT_TYPE);
  return c.body(JSON.stringify(body), status);
}

/** Zod issues as `{ field, message }`, the field a dotted path (`adminCidrs.0`). */
export function zodIssues(error: ZodError, prefix?: string): FieldIssue[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    const field = [prefix, path].filter((part) => part !== undefined && part !== '').join('.');
    return { field: field === '' ? '(root)' : field, message: issue.message };
  });
}

const CODE_BY_HTTP_STATUS: Partial<Record<number, ProblemCode>> = {
  400: ERROR_CODES.invalidInput,
  401: ERROR_CODES.unauthenticated,
  403: ERROR_CODES.forbidden,
  404: ERROR_CODES.notFound,
  409: ERROR_CODES.conflict,
  413: HTTP_ERROR_CODES.payloadTooLarge,
  415: HTTP_ERROR_CODES.unsupportedMediaType,
  429: HTTP_ERROR_CODES.rateLimited,
  501: HTTP_ERROR_CODES.notImplemented,
  503: HTTP_ERROR_CODES.unavailable,
};

/**
 * Maps anything thrown by a handler or middleware to a problem response. Our own errors keep
 * their message; Hono's HTTP exceptions keep their status (their messages are Hono's own, e.g.
 * "Malformed JSON in request body"); anything else is logged with the request id and answered
 * with a generic 500.
 */
export function errorToProblem(error: unknown, c: Context): Response {
  const log = c.get('log') as { error: (obj: object, msg: string) => void } | undefined;
  if (error instanceof ProblemError) {
    const extra = error.refusal === undefined ? {} : { refusal: error.refusal };
    return problem(c, error.code, error.message, { ...extra, issues: error.issues });
  }
  if (error instanceof BlkshpError && error.code !== ERROR_CODES.internal) {
    // Our own messages are written for users; a 5xx is still worth a log line.
    if (statusForCode(error.code) >= 500) log?.error({ err: error }, 'request failed');
    return problem(c, error.code, error.message, { issues: [...error.issues] });
  }
  if (error instanceof HTTPException) {
    const code = CODE_BY_HTTP_STATUS[error.status];
    if (code !== undefined && error.status < 500) {
      return problem(c, code, error.message || TITLE_BY_CODE[code]);
    }
  }

  log?.error({ err: error }, 'request failed');
  return problem(
    c,
    ERROR_CODES.internal,
    'An internal error occurred; quote the request id when reporting it',
  );
}
