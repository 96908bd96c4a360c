/**
 * How many Frappe processes a machine can carry, from Frappe Cloud's published formula
 * (see shared/domain.md, "Sizing heuristics"):
 *
 *   usable RAM = max(RAM - 3000 MB, 0.75 x RAM)
 *   60 % of it for gunicorn workers at ~150 MB each,
 *   40 % for background workers at ~240 MB per set of three.
 *
 * Two adjustments of ours, both conservative:
 * - When MariaDB shares the machine (starter), its InnoDB buffer pool (a quarter of RAM there)
 *   comes out of the usable RAM first.
 * - gunicorn never gets more workers than bench's CPU rule, `cpu_count * 2 + 1`, because more
 *   sync workers than that only queue on the CPU.
 * - Background sets are capped at two per vCPU: RQ jobs are mostly CPU-bound Python, and
 *   more processes than that only add memory pressure.
 * A "set of three" is run as two `short,default` workers and one `long,default,short` worker,
 * the two queues Frappe needs since 14.18.
 */

export const MB_PER_GUNICORN_WORKER = 150;
export const MB_PER_BACKGROUND_SET = 240;
/** A bench needs about this much at the least (domain.md). */
export const MIN_BENCH_MB = 400;

export interface WorkerPlan {
  usableMb: number;
  gunicornWorkers: number;
  backgroundSets: number;
  shortWorkers: number;
  longWorkers: number;
}

export interface WorkerInputs {
  memoryMb: number;
  vcpu: number;
  /** MB taken by a MariaDB running on the same machine (0 when the database is elsewhere). */
  databaseMb?: number;
  /** Whether this machine runs gunicorn (app) and/or the queues (worker). */
  roles?: { web: boolean; background: boolean };
}

export function usableMemoryMb(memoryMb: number): number {
  return Math.floor(Math.max(memoryMb - 3000, 0.75 * memoryMb));
}

export function planWorkers(inputs: WorkerInputs): WorkerPlan {
  const roles = inputs.roles ?? { web: true, background: true };
  const usableMb = Math.max(usableMemoryMb(inputs.memoryMb) - (inputs.databaseMb ?? 0), 0);
  if (usableMb < MIN_BENCH_MB) {
    throw new Error(`${inputs.memoryMb} MB leaves ${usableMb} MB for Frappe; it needs 400 MB`);
  }

  // A machine with one role gives that role all of the usable memory.
  const webShare = roles.web && roles.background ? 0.6 : roles.web ? 1 : 0;
  const backgroundShare = roles.web && roles.background ? 0.4 : roles.background ? 1 : 0;

  const byMemory = Math.floor((usableMb * webShare) / MB_PER_GUNICORN_WORKER);
  const byCpu = inputs.vcpu * 2 + 1;
  const gunicornWorkers = roles.web ? Math.max(2, Math.min(byMemory, byCpu)) : 0;

  const setsByMemory = Math.floor((usableMb * backgroundShare) / MB_PER_BACKGROUND_SET);
  const backgroundSets = roles.background
    ? Math.max(1, Math.min(setsByMemory, inputs.vcpu * 2))
    : 0;
  return {
    usableMb,
    gunicornWorkers,
    backgroundSets,
    shortWorkers: backgroundSets * 2,
    longWorkers: backgroundSets,
  };
}

/** InnoDB buffer pool: two thirds of a dedicated database machine, a quarter of a shared one. */
export function innodbBufferPoolMb(memoryMb: number, dedicated: boolean): number {
  return Math.floor(dedicated ? (memoryMb * 2) / 3 : memoryMb / 4);
}
