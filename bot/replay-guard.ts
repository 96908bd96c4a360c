/**
 * Remembers the signatures of requests already accepted, for as long as their timestamp is inside
 * the verification window. Slack signs `v0:<timestamp>:<body>`, so a captured request stays valid
 * for five minutes; refusing a signature seen before closes that replay window.
 */
export interface ReplayGuard {
  /** True the first time a signature is seen inside the window; false for a replay. */
  firstSeen(signature: string, timestampSec: number, nowMs?: number): boolean;
  readonly size: number;
}

export const SIGNATURE_WINDOW_SECONDS = 5 * 60;

/** Bounded so a flood of validly signed requests cannot grow memory without limit. */
const DEFAULT_MAX_ENTRIES = 50_000;

export function createReplayGuard(maxEntries = DEFAULT_MAX_ENTRIES): ReplayGuard {
  // Map keeps insertion order, which is (nearly) timestamp order: expiry walks from the front.
  const seen = new Map<string, number>();

  function expire(nowSec: number): void {
    for (const [signature, expiresAt] of seen) {
      if (expiresAt > nowSec && seen.size <= maxEntries) break;
      seen.delete(signature);
    }
  }

  return {
    firstSeen(signature, timestampSec, nowMs = Date.now()) {
      const nowSec = Math.floor(nowMs / 1000);
      expire(nowSec);
      if (seen.has(signature)) return false;
      // Keep it until the timestamp itself leaves the window, plus a minute for clock skew.
      seen.set(signature, Math.max(timestampSec, nowSec) + SIGNATURE_WINDOW_SECONDS + 60);
      return true;
    },
    get size() {
      return seen.size;
    },
  };
}
