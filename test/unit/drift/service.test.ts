import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { ControlPlaneApi } from '../../../infra/control-plane-api.ts';
import { startDriftService } from '../../../infra/drift/index.ts';
import { SqliteRepository } from '../../../infra/storage/sqlite.ts';
import { FakeDriftQueue } from '../../support/fake-drift-queue.ts';

const logger = pino({ level: 'silent' });

async function withRepo(body: (repo: SqliteRepository) => Promise<void>) {
  const repo = await SqliteRepository.open(':memory:');
  try {
    await repo.migrate();
    await body(repo);
  } finally {
    await repo.close();
  }
}

describe('startDriftService', () => {
  const controlPlane = new FakeDriftQueue([], {
    maxConcurrent: 1,
    checkMs: 1,
  }) as unknown as ControlPlaneApi;

  it('refuses bad notification settings before starting anything', async () => {
    await withRepo(async (repo) => {
      const env = { BLKSHP_WEBHOOKS: '[{"url":"https://a.example","secret":"short"}]' };
      await expect(startDriftService({ controlPlane, repo, logger, env })).rejects.toMatchObject({
        code: 'BLKSHP_CONFIG_INVALID',
      });
      const channel = { BLKSHP_DRIFT_SLACK_CHANNEL: 'not a channel' };
      await expect(
        startDriftService({ controlPlane, repo, logger, env: channel }),
      ).rejects.toMatchObject({ code: 'BLKSHP_CONFIG_INVALID' });
    });
  });

  it('wires webhooks and Slack from the environment and stops cleanly', async () => {
    await withRepo(async (repo) => {
      const service = await startDriftService({
        controlPlane,
        repo,
        logger,
        env: {
          BLKSHP_WEBHOOKS: JSON.stringify([{ url: 'https://a.example/h', secret: 'x'.repeat(32) }]),
          BLKSHP_DRIFT_SLACK_CHANNEL: 'C0DRIFT01',
        },
        postMessage: async () => {},
      });
      expect(service.notifiers.map((n) => n.name)).toEqual(['webhooks', 'slack']);
      expect(await service.schedules.list()).toEqual([]);
      // A channel and Slack: the daily digest goes there too.
      expect(service.digest).not.toBeNull();
      await service.stop();
    });
  });

  it('schedules no digest without Slack, or with the digest off', async () => {
    await withRepo(async (repo) => {
      const channel = { BLKSHP_DRIFT_SLACK_CHANNEL: 'C0DRIFT01' };
      const noSlack = await startDriftService({ controlPlane, repo, logger, env: channel });
      expect(noSlack.digest).toBeNull();
      await noSlack.stop();
      const off = await startDriftService({
        controlPlane,
        repo,
        logger,
        env: { ...channel, BLKSHP_DRIFT_DIGEST_CRON: 'off' },
        postMessage: async () => {},
      });
      expect(off.digest).toBeNull();
      await off.stop();
      await expect(
        startDriftService({
          controlPlane,
          repo,
          logger,
          env: { BLKSHP_DRIFT_DIGEST_TIMEZONE: 'Nowhere' },
        }),
      ).rejects.toMatchObject({ code: 'BLKSHP_CONFIG_INVALID' });
    });
  });
});
