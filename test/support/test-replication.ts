/**
 * A replica's database side for tests: the migrated repository and the replication (job engine,
 * stack lock pool, event relay) on one test database, with the short heartbeat tests use.
 *
 * @example
 * const { repo, replication } = await openTestReplication(url, 'a', { logger, maxEngineRuns: 2 });
 */
import {
  type Replication,
  type ReplicationOptions,
  startReplication,
} from '../../infra/jobs/replication.ts';
import { PostgresRepository } from '../../infra/storage/postgres.ts';

export interface TestReplication {
  repo: PostgresRepository;
  replication: Replication;
}

export async function openTestReplication(
  url: string,
  replicaName: string,
  options: Omit<ReplicationOptions, 'url' | 'replicaName' | 'heartbeatSeconds'>,
): Promise<TestReplication> {
  const repo = await PostgresRepository.open(url);
  await repo.migrate();
  const replication = await startReplication({
    url,
    replicaName,
    heartbeatSeconds: 10,
    ...options,
  });
  return { repo, replication };
}
