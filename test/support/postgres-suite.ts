/**
 * One throwaway Postgres cluster for a whole test file: started before its first test, stopped
 * after its last. Apart from postgres.ts because it needs Vitest, which the benches run without.
 *
 * @example
 * const cluster = usePostgresCluster();
 * it('...', async () => { const url = await cluster.createDatabase(); ... });
 */
import { afterAll, beforeAll } from 'vitest';
import { type PostgresCluster, startPostgres } from './postgres.ts';

export function usePostgresCluster(): PostgresCluster {
  let cluster: PostgresCluster | undefined;
  beforeAll(async () => {
    cluster = await startPostgres();
  });
  afterAll(async () => {
    await cluster?.stop();
  });
  const started = (): PostgresCluster => {
    if (!cluster) throw new Error('the Postgres cluster starts before the first test');
    return cluster;
  };
  return {
    get dir() {
      return started().dir;
    },
    get adminUrl() {
      return started().adminUrl;
    },
    createDatabase: (name) => started().createDatabase(name),
    stop: () => started().stop(),
  };
}
