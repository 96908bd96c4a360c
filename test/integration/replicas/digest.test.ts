/**
 * The daily drift digest with two replicas on one Postgres: one pg-boss schedule for both, and
 * one post per tick even when the job engine hands a tick over twice.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import {
  DIGEST_AUDIT_ACTION,
  DigestSchedule,
  digestPostedRecord,
} from '../../../infra/drift/digest-schedule.ts';
import { QUEUES } from '../../../infra/jobs/job-engine.ts';
import { driftedResult, insertPropertyRow } from '../../support/drift-fixtures.ts';
import { usePostgresCluster } from '../../support/postgres-suite.ts';
import { openTestReplication, type TestReplication } from '../../support/test-replication.ts';

const logger = pino({ level: 'silent' });
const cluster = usePostgresCluster();
const timing = { cron: '0 8 * * *', timezone: 'Europe/Lisbon' };

/** A replica's digest posting to `posts`. */
function startDigest(replica: TestReplication, posts: string[]): Promise<DigestSchedule> {
  return DigestSchedule.start({
    timing,
    channel: 'C0DRIFT01',
    postMessage: async (_channel, text) => {
      posts.push(text);
    },
    repo: replica.repo,
    logger,
    boss: replica.replication.boss,
  });
}

describe('the drift digest shared by two replicas', () => {
  it('is one job-engine schedule, posts once for a tick handed over twice, and unschedules', async () => {
    const url = await cluster.createDatabase();
    const replicas: TestReplication[] = [];
    const digests: DigestSchedule[] = [];
    const posts: string[] = [];
    try {
      for (const name of ['digest-a', 'digest-b']) {
        const replica = await openTestReplication(url, name, { maxEngineRuns: 1, logger });
        replicas.push(replica);
        digests.push(await startDigest(replica, posts));
      }
      const [a, b] = replicas;
      if (!a || !b) throw new Error('replicas did not start');
      await insertPropertyRow(a.repo, 'alpha');
      await a.repo.insertDriftResult(driftedResult('alpha', 'op-1'));

      const schedules = await a.replication.boss.getSchedules(QUEUES.driftDigest);
      expect(schedules.map((s) => [s.key, s.cron, s.timezone])).toEqual([
        ['digest', '0 8 * * *', 'Europe/Lisbon'],
      ]);

      // What the cron sends at 08:00, arriving twice (once through each replica).
      await a.replication.boss.send(QUEUES.driftDigest, {});
      await b.replication.boss.send(QUEUES.driftDigest, {});
      const deadline = Date.now() + 30_000;
      while (posts.length === 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
      }
      // Both jobs taken and settled before counting.
      await new Promise((r) => setTimeout(r, 5_000));
      expect(posts).toEqual(['Drift digest: 0 in sync, 1 drifted, 0 failing, 0 not checked']);
      expect(digests.map((d) => d.posted()).sort()).toEqual([0, 1]);

      // Turned off later: the schedule leaves the job engine, for every replica.
      await DigestSchedule.unschedule(b.replication.boss);
      expect(await a.replication.boss.getSchedules(QUEUES.driftDigest)).toEqual([]);
    } finally {
      for (const digest of digests) await digest.stop();
      for (const replica of replicas) {
        await replica.replication.close();
        await replica.repo.close();
      }
    }
  });

  it('two replicas back after a missed digest time post the missed digest once', async () => {
    const url = await cluster.createDatabase();
    const replicas: TestReplication[] = [];
    const posts: string[] = [];
    try {
      for (const name of ['missed-a', 'missed-b']) {
        replicas.push(await openTestReplication(url, name, { maxEngineRuns: 1, logger }));
      }
      const [a] = replicas;
      if (!a) throw new Error('replicas did not start');
      // The last digest went out in 2020; every 08:00 since passed with no service up.
      await a.repo.appendAudit({ ...digestPostedRecord(null), at: '2020-01-01T08:00:01.000Z' });
      const digests = await Promise.all(replicas.map((replica) => startDigest(replica, posts)));
      for (const digest of digests) await digest.stop();
      expect(posts).toEqual(['Drift digest: 0 in sync, 0 drifted, 0 failing, 0 not checked']);
      const audited = await a.repo.queryAudit({ action: DIGEST_AUDIT_ACTION });
      expect(audited).toHaveLength(2);
    } finally {
      for (const replica of replicas) {
        await replica.replication.close();
        await replica.repo.close();
      }
    }
  });
});
