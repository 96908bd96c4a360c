/**
 * Errors a user can see. Each carries a stable `code` (for API problem types and Slack replies)
 * and a plain message; the foreign error that caused it, if any, is kept as `cause`.
 * Transports map codes to HTTP status and chat replies in one place each.
 */
export const ERROR_CODES = {
  invalidInput: 'BLKSHP_INVALID_INPUT',
  notFound: 'BLKSHP_NOT_FOUND',
  conflict: 'BLKSHP_CONFLICT',
  forbidden: 'BLKSHP_FORBIDDEN',
  unauthenticated: 'BLKSHP_UNAUTHENTICATED',
  engineUnavailable: 'BLKSHP_ENGINE_UNAVAILABLE',
  engineFailed: 'BLKSHP_ENGINE_FAILED',
  configInvalid: 'BLKSHP_CONFIG_INVALID',
  internal: 'BLKSHP_INTERNAL',
} as const;

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

/** One problem with one input field, e.g. `{ field: 'adminCidrs.0', message: '...' }`. */
export interface FieldIssue {
  field: string;
  message: string;
}

export class BlkshpError extends Error {
  readonly code: ErrorCode;
  readonly issues: readonly FieldIssue[];

  constructor(
    code: ErrorCode,
    message: string,
    options?: { cause?: unknown; issues?: FieldIssue[] },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BlkshpError';
    this.code = code;
    this.issues = options?.issues ?? [];
  }
}

export function invalidInput(message: string, issues: FieldIssue[] = []): BlkshpError {
  return new BlkshpError(ERROR_CODES.invalidInput, message, { issues });
}

export function notFound(what: string): BlkshpError {
  return new BlkshpError(ERROR_CODES.notFound, `${what} was not found`);
}

/** Wraps anything thrown into a BlkshpError whose message is safe to show a user. */
export function toUserError(error: unknown): BlkshpError {
  if (error instanceof BlkshpError) return error;
  return new BlkshpError(ERROR_CODES.internal, 'An internal error occurred; see the service log', {
    cause: error,
  });
}
