import type { Settings } from '../settings/settings.ts';
import type { Repository } from './repository.ts';

/**
 * Opens the configured store (Postgres when DATABASE_URL is set, else the SQLite file in the
 * data directory) and applies pending migrations.
 *
 * @example
 * const repo = await openRepository(loadSettings());
 * try { ... } finally { await repo.close(); }
 */
export async function openRepository(
  settings: Pick<Settings, 'database'>,
  options: { onIdleError?: (error: Error) => void } = {},
): Promise<Repository> {
  const repo =
    settings.database.kind === 'postgres'
      ? await (await import('./postgres.ts')).PostgresRepository.open(
          settings.database.url,
          options,
        )
      : await (await import('./sqlite.ts')).SqliteRepository.open(settings.database.file);
  try {
    await repo.migrate();
  } catch (error) {
    await repo.close();
    throw error;
  }
  return repo;
}
