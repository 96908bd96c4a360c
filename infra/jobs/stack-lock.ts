/**
 * One engine run per stack across replicas, held as a Postgres session advisory lock for the
 * whole run. Postgres drops it the moment the holder's connection dies, so a dead replica can
 * never keep a stack locked, and "running in the table but unlocked" means "orphaned".
 */
import type pg from 'pg';

// The two-key form keeps these locks apart from any one-key lock pg-boss takes.
const LOCK_CLASS = 0x626b_7370; // "bksp"

export interface StackLock {
  /**
   * Fires if the lock's connection dies while held: Postgres has then released the lock and
   * another replica may take the stack, so the run must stop.
   */
  lost: AbortSignal;
  release(): Promise<void>;
}

const SQL_KEY = `hashtext($1)`;

/** Takes the lock if it is free; null when another session holds it. */
export async function tryStackLock(pool: pg.Pool, stack: string): Promise<StackLock | null> {
  const client = await pool.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>(
      `SELECT pg_try_advisory_lock(${LOCK_CLASS}, ${SQL_KEY}) AS locked`,
      [stack],
    );
    if (!rows[0]?.locked) {
      client.release();
      return null;
    }
  } catch (error) {
    client.release(error instanceof Error ? error : true);
    throw error;
  }
  let released = false;
  const lost = new AbortController();
  const onError = (error: Error) => {
    if (!released) lost.abort(error);
  };
  client.on('error', onError);
  return {
    lost: lost.signal,
    async release() {
      if (released) return;
      released = true;
      client.off('error', onError);
      try {
        await client.query(`SELECT pg_advisory_unlock(${LOCK_CLASS}, ${SQL_KEY})`, [stack]);
        client.release();
      } catch (error) {
        // Destroying the connection releases the lock too.
        client.release(error instanceof Error ? error : true);
      }
    },
  };
}

/** Waits for the lock, polling, until it is taken or `signal` fires (then null). */
export async function waitForStackLock(
  pool: pg.Pool,
  stack: string,
  signal: AbortSignal,
  pollMs = 1000,
): Promise<StackLock | null> {
  while (!signal.aborted) {
    const lock = await tryStackLock(pool, stack);
    if (lock) return lock;
    await new Promise((resolve) => setTimeout(resolve, pollMs).unref());
  }
  return null;
}
