import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { DigestSchedule, parseDigestTiming } from '../../../infra/drift/digest-schedule.ts';
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
});
