import { describe, expect, it } from 'vitest';
import { createSchedulesApi, scheduleIssues } from '../../../infra/drift/schedules.ts';
import { SqliteRepository } from '../../../infra/storage/sqlite.ts';

describe('schedule validation', () => {
  it.each([
    ['*', '0 3 * * *', 'UTC'],
    ['*', '*/15 8-18 * * 1-5', 'Europe/Berlin'],
    ['grand-hotel', '30 2 * * SUN', 'America/Argentina/Buenos_Aires'],
  ])('accepts scope %s, cron "%s" in %s', (scope, cron, timezone) => {
    expect(scheduleIssues(scope, cron, timezone)).toEqual([]);
  });

  it.each([
    ['a bad cron field', '*', '61 * * * *', 'UTC', 'cron'],
    ['a seconds field', '*', '*/5 * * * * *', 'UTC', 'cron'],
    ['words', '*', 'every day', 'UTC', 'cron'],
    ['an unknown zone', '*', '0 3 * * *', 'Mars/Olympus_Mons', 'timezone'],
    ['an offset instead of a zone', '*', '0 3 * * *', '+01:00', 'timezone'],
    ['a bad scope', 'Grand Hotel!', '0 3 * * *', 'UTC', 'scope'],
  ])('rejects %s', (_label, scope, cron, timezone, field) => {
    expect(scheduleIssues(scope, cron, timezone)).toEqual([
      expect.objectContaining({ field, message: expect.any(String) }),
    ]);
  });
});

describe('schedules API', () => {
  async function api() {
    const repo = await SqliteRepository.open(':memory:');
    await repo.migrate();
    const at = '2025-01-01T00:00:00.000Z';
    await repo.insertProperty({
      slug: 'grand-hotel',
      spec: { slug: 'grand-hotel' } as never,
      sandbox: true,
      createdAt: at,
      updatedAt: at,
      outputs: null,
    });
    const changes: string[] = [];
    const schedules = createSchedulesApi({
      repo,
      onChange: () => changes.push('changed'),
      now: () => new Date(at),
    });
    return { repo, schedules, changes };
  }

  it('upserts the fleet default and an override, lists and removes them', async () => {
    const { repo, schedules, changes } = await api();
    try {
      const fleet = await schedules.upsert('*', ' 0 3 * * * ', 'Europe/Lisbon');
      expect(fleet).toEqual({
        scope: '*',
        cron: '0 3 * * *',
        timezone: 'Europe/Lisbon',
        enabled: true,
        updatedAt: '2025-01-01T00:00:00.000Z',
      });
      await schedules.upsert('grand-hotel', '0 */2 * * *', 'UTC');
      expect((await schedules.list()).map((s) => s.scope)).toEqual(['*', 'grand-hotel']);
      expect(await schedules.remove('grand-hotel')).toBe(true);
      expect(await schedules.remove('grand-hotel')).toBe(false);
      expect(changes).toHaveLength(3);
    } finally {
      await repo.close();
    }
  });

  it('refuses bad input with BLKSHP_INVALID_INPUT and one issue per field', async () => {
    const { repo, schedules } = await api();
    try {
      await expect(schedules.upsert('*', 'nope', 'Nowhere/Town')).rejects.toMatchObject({
        code: 'BLKSHP_INVALID_INPUT',
        issues: [
          expect.objectContaining({ field: 'timezone' }),
          expect.objectContaining({ field: 'cron' }),
        ],
      });
      await expect(schedules.upsert('no-such-hotel', '0 3 * * *', 'UTC')).rejects.toMatchObject({
        issues: [{ field: 'scope', message: 'there is no property named no-such-hotel' }],
      });
      expect(await schedules.list()).toEqual([]);
    } finally {
      await repo.close();
    }
  });
});
