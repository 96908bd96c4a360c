/**
 * Schema migrations, oldest first. Append a new entry for every change; never edit one that has
 * shipped. Each dialect's SQL runs in one transaction with its `schema_migrations` row.
 */
import { BlkshpError, ERROR_CODES } from '../../errors.ts';
import { initial } from './0001-initial.ts';
import { drift } from './0002-drift.ts';
import { idempotency } from './0003-idempotency.ts';
import { stackSettings } from './0004-stack-settings.ts';
import { rateBuckets } from './0005-rate-buckets.ts';

export interface Migration {
  version: number;
  name: string;
  sqlite: string;
  postgres: string;
}

export const MIGRATIONS: readonly Migration[] = [
  initial,
  drift,
  idempotency,
  stackSettings,
  rateBuckets,
];

export const LATEST_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

/** The database was migrated by a newer release; running on would corrupt it. */
export function schemaTooNew(version: number): BlkshpError {
  return new BlkshpError(
    ERROR_CODES.configInvalid,
    `the database schema is at version ${version}, newer than this build knows ` +
      `(${LATEST_VERSION}); run a newer BLKSHP release`,
  );
}
