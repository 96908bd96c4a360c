import pino from 'pino';
import { describe, expect, it } from 'vitest';
import {
  DIGEST_AUDIT_ACTION,
  DigestSchedule,
  digestPostedRecord,
  parseDigestTiming,
} from '../../../infra/drift/digest-schedule.ts';
import { SqliteRepository } from '../../../infra/storage/sqlite.ts';
import { driftedResult, insertPropertyRow } from '../../support/drift-fixtures.ts';

const logger = pino({ level: 'silent' });

describe('the daily drift digest', () => {
  it('reads its timing from the environment: 08:00 UTC unless told, or off', () => {
    expect(parseDigestTiming({})).toEqual({ cron: '0 8 * * *', timezone: 'UTC' });
    expect(
      parseDigestTiming({
        BLKSHP_DRIFT_DIGEST_CRON: '30 7 * * 1-5',
        BLKSHP_DRIFT_DIGEST_TIMEZONE: 'Europe/Lisbon',
      }),
    ).toEqual({ cron: '30 7 * * 1-5', timezone: 'Europe/Lisbon' });
    expect(parseDigestTiming({ BLKSHP_DRIFT_DIGEST_CRON: 'off' })).toBeNull();
  });

  it('refuses a bad timing with one line per variable', () => {
    let error: unknown;
    try {
      parseDigestTiming({
        BLKSHP_DRIFT_DIGEST_CRON: '* * * * * *',
        BLKSHP_DRIFT_DIGEST_TIMEZONE: 'Mars/Olympus',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: 'BLKSHP_CONFIG_INVALID' });
    const lines = String((error as Error).message).split('\n');
    expect(lines).toHaveLength(2);
    expect(lines.some((l) => l.startsWith('BLKSHP_DRIFT_DIGEST_CRON: '))).toBe(true);
    expect(lines.some((l) => l.startsWith('BLKSHP_DRIFT_DIGEST_TIMEZONE: '))).toBe(true);
  });

  it('posts where the fleet stands when its timer fires, and nothing after it stops', async () => {
    const repo = await SqliteRepository.open(':memory:');
    try {
      await repo.migrate();
      for (const slug of ['alpha', 'beta']) await insertPropertyRow(repo, slug);
      await repo.insertDriftResult(driftedResult('alpha', 'op-1'));
      const posts: Array<{ channel: string; text: string; blocks: string }> = [];
      // Every second (croner reads six fields), so the test need not wait for 08:00.
      const digest = await DigestSchedule.start({
        timing: { cron: '* * * * * *', timezone: 'UTC' },
        channel: 'C0DRIFT01',
        postMessage: async (channel, text, blocks) => {
          posts.push({ channel, text, blocks: JSON.stringify(blocks) });
        },
        repo,
        logger,
      });
      const deadline = Date.now() + 5_000;
      while (posts.length === 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      await digest.stop();
      const count = posts.length;
      expect(count).toBeGreaterThanOrEqual(1);
      expect(posts[0]).toMatchObject({
        channel: 'C0DRIFT01',
        text: 'Drift digest: 0 in sync, 1 drifted, 0 failing, 1 not checked',
      });
      expect(posts[0]?.blocks).toContain('alpha');
      await new Promise((r) => setTimeout(r, 1_500));
      expect(posts).toHaveLength(count);
      expect(digest.posted()).toBe(count);
    } finally {
      await repo.close();
    }
  });

  describe('a digest time that passed while the service was down', () => {
    // Yearly, so no timer fires while the test runs; January 1st 08:00 has always passed.
    const timing = { cron: '0 8 1 1 *', timezone: 'UTC' };

    async function startWithLastPost(lastPostedAt: string | null) {
      const repo = await SqliteRepository.open(':memory:');
      await repo.migrate();
      if (lastPostedAt) {
        await repo.appendAudit({ ...digestPostedRecord(null), at: lastPostedAt });
      }
      const posts: string[] = [];
      const digest = await DigestSchedule.start({
        timing,
        channel: 'C0DRIFT01',
        postMessage: async (_channel, text) => {
          posts.push(text);
        },
        repo,
        logger,
      });
      await digest.stop();
      const audited = await repo.queryAudit({ action: DIGEST_AUDIT_ACTION });
      await repo.close();
      return { posts, audited };
    }

    it('is posted once at start when the last digest is older than it', async () => {
      const { posts, audited } = await startWithLastPost('2020-01-01T08:00:01.000Z');
      expect(posts).toEqual(['Drift digest: 0 in sync, 0 drifted, 0 failing, 0 not checked']);
      expect(audited).toHaveLength(2);
      expect(audited[0]).toMatchObject({
        result: 'posted',
        detail: expect.stringContaining('C0DRIFT01'),
      });
    });

    it('is not posted when a digest went out after it, or none ever did', async () => {
      expect((await startWithLastPost(new Date().toISOString())).posts).toEqual([]);
      expect((await startWithLastPost(null)).posts).toEqual([]);
    });
  });
});
