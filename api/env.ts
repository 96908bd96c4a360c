/**
 * What the API's middleware leaves on each request's context, for the handlers after it.
 */
import type { Logger } from 'pino';
import type { Actor } from '../infra/control-plane-api.ts';

/** The caller, once a token has been verified. */
export interface Principal {
  tokenId: string;
  name: string;
  scopes: readonly string[];
  actor: Actor;
}

export interface ApiEnv {
  Variables: {
    requestId: string;
    /** A child of the root logger tagged with the request id. */
    log: Logger;
    principal: Principal;
    secureHeadersNonce?: string;
  };
}
