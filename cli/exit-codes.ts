/** Exit codes of the `blkshp` command line, stable for scripts. */
export const EXIT = {
  ok: 0,
  /** The operation ran and failed (engine error, policy violation). */
  operationFailed: 1,
  /** Bad arguments or an invalid spec. */
  usage: 2,
  /** An expected refusal: busy, not approved, stale preview, two-person rule. */
  refused: 3,
  notFound: 4,
  /** The engine or another needed component is unavailable. */
  unavailable: 69,
  internal: 70,
} as const;
