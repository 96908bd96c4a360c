/**
 * The behaviour every Repository implementation shares. Each implementation's test file calls
 * `defineRepositoryContract` with a factory that opens a fresh, migrated, empty database.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChangeSet } from '../../../infra/changes/model.ts';
import type { PropertySpec } from '../../../infra/properties/spec.ts';
import type {
  ApiTokenRecord,
  NewOperation,
  Repository,
  StoredProperty,
} from '../../../infra/storage/repository.ts';

export interface RepositoryHarness {
  repo: Repository;
  /** Opens another repository on the same database (as a restarted process would). */
  reopen(): Promise<Repository>;
  /** Runs SQL on the same database behind the repository's back. */
  exec(sql: string): Promise<void>;
  /** Closes everything and deletes the database. */
  cleanup(): Promise<void>;
}

// Storage treats the spec as opaque JSON, so any object stands in for a validated one.
function spec(slug: string): PropertySpec {
  return {
    slug,
    displayName: `Hotel ${slug}`,
    cloud: 'digitalocean',
    region: 'nyc3',
    tier: 'small',
    adminCidrs: ['203.0.113.0/24'],
  } as unknown as PropertySpec;
}

function property(slug: string, overrides: Partial<StoredProperty> = {}): StoredProperty {
  return {
    slug,
    spec: spec(slug),
    sandbox: true,
    createdAt: '2025-01-02T03:04:05.000Z',
    updatedAt: '2025-01-02T03:04:05.000Z',
    outputs: null,
    ...overrides,
  };
}

function newOperation(overrides: Partial<NewOperation> = {}): NewOperation {
  return {
    id: randomUUID(),
    property: 'grand-hotel',
    kind: 'preview',
    priority: 'interactive',
    actor: 'slack:U0123',
    channel: 'slack:C0123',
    previewId: null,
    summary: 'preview grand-hotel',
    ...overrides,
  };
}

function token(overrides: Partial<ApiTokenRecord> = {}): ApiTokenRecord {
  return {
    id: randomUUID().slice(0, 8),
    name: 'onboarding',
    hash: randomUUID().replaceAll('-', ''),
    scopes: ['plan'],
    createdAt: '2025-01-02T03:04:05.000Z',
    revokedAt: null,
    lastUsedAt: null,
    ...overrides,
  };
}

const changeSet = {
  resources: [{ urn: 'urn:pulumi:s::p::t::n', type: 't', name: 'n', op: 'create' }],
  summary: { create: 1 },
} as unknown as ChangeSet;

export function defineRepositoryContract(
  name: string,
  create: () => Promise<RepositoryHarness>,
): void {
  describe(`${name} repository`, () => {
    let harness: RepositoryHarness;
    let repo: Repository;

    beforeEach(async () => {
      harness = await create();
      repo = harness.repo;
    });

    afterEach(async () => {
      await harness.cleanup();
    });

    describe('migrations', () => {
      it('migrate is idempotent and a reopened repository keeps the data', async () => {
        await repo.insertProperty(property('grand-hotel'));
        await repo.migrate();

        const again = await harness.reopen();
        try {
          await again.migrate();
          expect((await again.getProperty('grand-hotel'))?.slug).toBe('grand-hotel');
        } finally {
          await again.close();
        }
      });

      it('refuses a database migrated by a newer release', async () => {
        await harness.exec(
          `INSERT INTO schema_migrations (version, name, applied_at)
           VALUES (9999, 'from the future', '2030-01-01T00:00:00.000Z')`,
        );
        await expect(repo.migrate()).rejects.toMatchObject({ code: 'BLKSHP_CONFIG_INVALID' });
      });
    });

    describe('properties', () => {
      it('stores the spec and outputs as JSON and reads them back equal', async () => {
        const outputs = { ip: '198.51.100.7', nested: { ports: [80, 443] } };
        await repo.insertProperty(property('grand-hotel', { outputs }));

        const stored = await repo.getProperty('grand-hotel');
        expect(stored).toEqual(property('grand-hotel', { outputs }));
      });

      it('refuses a second property with the same slug as a conflict', async () => {
        await repo.insertProperty(property('grand-hotel'));
        await expect(repo.insertProperty(property('grand-hotel'))).rejects.toMatchObject({
          code: 'BLKSHP_CONFLICT',
        });
      });

      it('updateProperty changes only the given fields and moves updatedAt', async () => {
        await repo.insertProperty(property('grand-hotel'));
        const newSpec = { ...spec('grand-hotel'), tier: 'large' } as unknown as PropertySpec;

        await repo.updateProperty('grand-hotel', { spec: newSpec, sandbox: false });

        const stored = await repo.getProperty('grand-hotel');
        expect(stored?.spec).toEqual(newSpec);
        expect(stored?.sandbox).toBe(false);
        expect(stored?.outputs).toBeNull();
        expect(stored?.createdAt).toBe('2025-01-02T03:04:05.000Z');
        expect(stored?.updatedAt).not.toBe('2025-01-02T03:04:05.000Z');
      });

      it('updateProperty on a missing slug is not found', async () => {
        await expect(repo.updateProperty('nowhere', { sandbox: true })).rejects.toMatchObject({
          code: 'BLKSHP_NOT_FOUND',
        });
      });

      it('lists properties by slug and deletes one', async () => {
        await repo.insertProperty(property('zeta-inn'));
        await repo.insertProperty(property('alpha-lodge'));
        expect((await repo.listProperties()).map((p) => p.slug)).toEqual([
          'alpha-lodge',
          'zeta-inn',
        ]);

        await repo.deleteProperty('zeta-inn');
        expect(await repo.getProperty('zeta-inn')).toBeNull();
        expect(await repo.listProperties()).toHaveLength(1);
      });
    });

    describe('operations', () => {
      it('insertOperation returns a queued operation with ISO timestamps', async () => {
        const input = newOperation();
        const operation = await repo.insertOperation(input);

        expect(operation).toMatchObject({ ...input, status: 'queued', changeSet: null });
        expect(new Date(operation.createdAt).toISOString()).toBe(operation.createdAt);
        expect(operation.startedAt).toBeNull();
        expect(await repo.getOperation(input.id)).toEqual(operation);
      });

      it('updateOperation stores the change set and outputs as JSON', async () => {
        const { id } = await repo.insertOperation(newOperation());

        const updated = await repo.updateOperation(id, {
          changeSet,
          outputs: { url: 'https://grand.example' },
          fingerprint: 'abc123',
          finishedAt: '2025-03-04T05:06:07.000Z',
        });

        expect(updated.changeSet).toEqual(changeSet);
        expect(updated.outputs).toEqual({ url: 'https://grand.example' });
        expect(updated.fingerprint).toBe('abc123');
        expect(updated.finishedAt).toBe('2025-03-04T05:06:07.000Z');
        expect(await repo.getOperation(id)).toEqual(updated);
      });

      it('updateOperation on a missing id is not found', async () => {
        await expect(repo.updateOperation('missing', { error: 'x' })).rejects.toMatchObject({
          code: 'BLKSHP_NOT_FOUND',
        });
      });

      it('transitionOperation moves a queued operation to running and stamps startedAt', async () => {
        const { id } = await repo.insertOperation(newOperation());

        expect(await repo.transitionOperation(id, 'queued', 'running')).toBe(true);
        const running = await repo.getOperation(id);
        expect(running?.status).toBe('running');
        expect(running?.startedAt).not.toBeNull();

        expect(await repo.transitionOperation(id, 'running', 'succeeded')).toBe(true);
        expect((await repo.getOperation(id))?.finishedAt).not.toBeNull();
      });

      it('transitionOperation refuses a second taker', async () => {
        const { id } = await repo.insertOperation(newOperation());

        const takers = await Promise.all(
          Array.from({ length: 5 }, () => repo.transitionOperation(id, 'queued', 'running')),
        );

        expect(takers.filter(Boolean)).toHaveLength(1);
        expect((await repo.getOperation(id))?.status).toBe('running');
      });

      it('transitionOperation refuses when the operation is not in the expected state', async () => {
        const { id } = await repo.insertOperation(newOperation());
        await repo.transitionOperation(id, 'queued', 'cancelled');

        expect(await repo.transitionOperation(id, 'queued', 'running')).toBe(false);
        expect(await repo.transitionOperation('missing', 'queued', 'running')).toBe(false);
        expect((await repo.getOperation(id))?.status).toBe('cancelled');
      });

      it('listOperations returns newest first and filters by property, kind and status', async () => {
        const first = await repo.insertOperation(newOperation({ summary: 'first' }));
        const second = await repo.insertOperation(
          newOperation({ kind: 'apply', summary: 'second' }),
        );
        const third = await repo.insertOperation(
          newOperation({ property: 'other-inn', summary: 'third' }),
        );
        await repo.transitionOperation(first.id, 'queued', 'running');

        const ids = (ops: { id: string }[]) => ops.map((o) => o.id);
        expect(ids(await repo.listOperations())).toEqual([third.id, second.id, first.id]);
        expect(ids(await repo.listOperations({ property: 'grand-hotel' }))).toEqual([
          second.id,
          first.id,
        ]);
        expect(ids(await repo.listOperations({ kind: 'apply' }))).toEqual([second.id]);
        expect(ids(await repo.listOperations({ status: 'running' }))).toEqual([first.id]);
        expect(ids(await repo.listOperations({ status: ['queued', 'running'], limit: 2 }))).toEqual(
          [third.id, second.id],
        );
        expect(await repo.listOperations({ status: [] })).toEqual([]);
      });

      it('listOperations gives the newest matching operation of each property in one call', async () => {
        await repo.insertOperation(newOperation({ summary: 'old grand' }));
        const newestGrand = await repo.insertOperation(
          newOperation({ kind: 'drift-check', summary: 'new grand' }),
        );
        const onlyOther = await repo.insertOperation(
          newOperation({ property: 'other-inn', summary: 'other' }),
        );
        const latest = await repo.listOperations({ latestPerProperty: true });
        expect(latest.map((o) => o.id).sort()).toEqual([newestGrand.id, onlyOther.id].sort());
        const drifts = await repo.listOperations({ kind: 'drift-check', latestPerProperty: true });
        expect(drifts.map((o) => o.id)).toEqual([newestGrand.id]);
        expect(drifts[0]).not.toHaveProperty('newest');
      });
    });

    describe('approvals', () => {
      it('records approvals of an operation, once per approver', async () => {
        const { id } = await repo.insertOperation(newOperation());
        const approval = {
          operationId: id,
          approver: 'slack:U9',
          channel: 'slack:C1',
          at: '2025-01-01T00:00:00.000Z',
        };
        await repo.insertApproval(approval);

        expect(await repo.listApprovals(id)).toEqual([approval]);
        await expect(repo.insertApproval(approval)).rejects.toMatchObject({
          code: 'BLKSHP_CONFLICT',
        });
      });

      it('refuses an approval of an operation that does not exist', async () => {
        const approval = {
          operationId: 'missing',
          approver: 'a',
          channel: 'api',
          at: '2025-01-01',
        };
        await expect(repo.insertApproval(approval)).rejects.toMatchObject({
          code: 'BLKSHP_NOT_FOUND',
        });
      });
    });

    describe('audit', () => {
      const entry = {
        actor: 'slack:U0123',
        channel: 'slack:C0123',
        action: 'apply',
        property: 'grand-hotel',
        operationId: 'op-1',
        result: 'accepted',
        detail: null,
      };

      it('appendAudit assigns increasing ids and the current time', async () => {
        const a = await repo.appendAudit(entry);
        const b = await repo.appendAudit({ ...entry, result: 'succeeded' });

        expect(b.id).toBeGreaterThan(a.id);
        expect(Date.now() - Date.parse(a.at)).toBeLessThan(60_000);
        expect(a).toMatchObject(entry);
      });

      it('queryAudit filters by actor, property, action and since, newest first', async () => {
        await repo.appendAudit({ ...entry, at: '2025-01-01T00:00:00.000Z' });
        await repo.appendAudit({ ...entry, actor: 'token:abc', at: '2025-01-02T00:00:00.000Z' });
        await repo.appendAudit({
          ...entry,
          action: 'preview',
          property: null,
          operationId: null,
          at: '2025-01-03T00:00:00.000Z',
        });

        const ats = (records: { at: string }[]) => records.map((r) => r.at.slice(0, 10));
        expect(ats(await repo.queryAudit())).toEqual(['2025-01-03', '2025-01-02', '2025-01-01']);
        expect(ats(await repo.queryAudit({ actor: 'token:abc' }))).toEqual(['2025-01-02']);
        expect(ats(await repo.queryAudit({ action: 'apply', property: 'grand-hotel' }))).toEqual([
          '2025-01-02',
          '2025-01-01',
        ]);
        expect(ats(await repo.queryAudit({ since: '2025-01-02T00:00:00Z' }))).toEqual([
          '2025-01-03',
          '2025-01-02',
        ]);
        expect(ats(await repo.queryAudit({ limit: 1 }))).toEqual(['2025-01-03']);
      });

      it('audit rows cannot be updated or deleted', async () => {
        const record = await repo.appendAudit(entry);

        await expect(
          harness.exec(`UPDATE audit SET result = 'forged' WHERE id = ${record.id}`),
        ).rejects.toThrow(/append-only/);
        await expect(harness.exec(`DELETE FROM audit WHERE id = ${record.id}`)).rejects.toThrow(
          /append-only/,
        );
        expect(await repo.queryAudit()).toEqual([record]);
      });
    });

    describe('api tokens', () => {
      it('finds a token by hash and lists tokens', async () => {
        const stored = token({ scopes: ['read', 'plan'] });
        await repo.insertToken(stored);

        expect(await repo.findTokenByHash(stored.hash)).toEqual(stored);
        expect(await repo.findTokenByHash('no-such-hash')).toBeNull();
        expect(await repo.listTokens()).toEqual([stored]);
      });

      it('revokeToken revokes once and reports whether it did', async () => {
        const stored = token();
        await repo.insertToken(stored);

        expect(await repo.revokeToken(stored.id, '2025-02-01T00:00:00.000Z')).toBe(true);
        expect(await repo.revokeToken(stored.id, '2025-02-02T00:00:00.000Z')).toBe(false);
        expect(await repo.revokeToken('missing', '2025-02-02T00:00:00.000Z')).toBe(false);
        expect((await repo.findTokenByHash(stored.hash))?.revokedAt).toBe(
          '2025-02-01T00:00:00.000Z',
        );
      });

      it('touchToken records the last use', async () => {
        const stored = token();
        await repo.insertToken(stored);
        await repo.touchToken(stored.id, '2025-02-03T00:00:00.000Z');

        expect((await repo.findTokenByHash(stored.hash))?.lastUsedAt).toBe(
          '2025-02-03T00:00:00.000Z',
        );
      });

      it('refuses a second token with the same id as a conflict', async () => {
        const stored = token();
        await repo.insertToken(stored);
        await expect(repo.insertToken({ ...stored, hash: 'other' })).rejects.toMatchObject({
          code: 'BLKSHP_CONFLICT',
        });
      });
    });

    describe('schedules', () => {
      it('upserts, lists by scope and deletes schedules', async () => {
        const fleet = {
          scope: '*',
          cron: '0 3 * * *',
          timezone: 'UTC',
          enabled: true,
          updatedAt: '2025-01-01T00:00:00.000Z',
        };
        await repo.upsertSchedule(fleet);
        await repo.upsertSchedule({ ...fleet, scope: 'grand-hotel', enabled: false });
        await repo.upsertSchedule({ ...fleet, cron: '0 4 * * *' });

        expect(await repo.listSchedules()).toEqual([
          { ...fleet, cron: '0 4 * * *' },
          { ...fleet, scope: 'grand-hotel', enabled: false },
        ]);
        expect(await repo.deleteSchedule('grand-hotel')).toBe(true);
        expect(await repo.deleteSchedule('grand-hotel')).toBe(false);
        expect(await repo.listSchedules()).toHaveLength(1);
      });
    });

    describe('drift history', () => {
      const result = (operationId: string, checkedAt: string, property = 'grand-hotel') => ({
        property,
        operationId,
        checkedAt,
        status: 'drifted' as const,
        resources: [
          {
            urn: 'urn:pulumi:s::p::t::app',
            type: 't',
            name: 'app',
            op: 'update' as const,
            changes: [
              {
                path: 'size',
                kind: 'update' as const,
                old: 'a',
                new: 'b',
                forcesReplacement: false,
              },
            ],
          },
        ],
        error: null,
        signature: 'abc',
        suppressed: false,
      });

      it('records each operation once and lists a property newest first', async () => {
        const first = await repo.insertDriftResult(result('op-1', '2025-01-01T00:00:00.000Z'));
        expect(first).toMatchObject({ operationId: 'op-1', status: 'drifted' });
        expect(await repo.insertDriftResult(result('op-1', '2025-01-01T00:00:00.000Z'))).toBeNull();
        await repo.insertDriftResult(result('op-2', '2025-01-02T00:00:00.000Z'));
        await repo.insertDriftResult(result('op-3', '2025-01-03T00:00:00.000Z', 'other'));

        const history = await repo.listDriftResults({ property: 'grand-hotel' });
        expect(history.map((r) => r.operationId)).toEqual(['op-2', 'op-1']);
        expect(history[0]).toEqual({
          ...result('op-2', '2025-01-02T00:00:00.000Z'),
          id: history[0]?.id,
        });
        const since = await repo.listDriftResults({ since: '2025-01-02T00:00:00.000Z', limit: 1 });
        expect(since.map((r) => r.operationId)).toEqual(['op-3']);
      });

      it('sets, replaces and clears an ignore-until per property', async () => {
        const ignore = {
          property: 'grand-hotel',
          until: '2025-01-08T00:00:00.000Z',
          actor: 'slack:U1',
          createdAt: '2025-01-01T00:00:00.000Z',
        };
        await repo.setDriftIgnore(ignore);
        await repo.setDriftIgnore({ ...ignore, until: '2025-01-31T00:00:00.000Z' });
        expect(await repo.getDriftIgnore('grand-hotel')).toEqual({
          ...ignore,
          until: '2025-01-31T00:00:00.000Z',
        });
        expect(await repo.clearDriftIgnore('grand-hotel')).toBe(true);
        expect(await repo.clearDriftIgnore('grand-hotel')).toBe(false);
        expect(await repo.getDriftIgnore('grand-hotel')).toBeNull();
      });

      it('logs webhook deliveries and their attempts', async () => {
        const delivery = {
          id: 'd-1',
          eventId: 'e-1',
          eventType: 'drift.detected',
          property: 'grand-hotel',
          target: 'https://hooks.example.com/blkshp',
          status: 'pending' as const,
          attempts: 0,
          lastStatusCode: null,
          lastError: null,
          createdAt: '2025-01-01T00:00:00.000Z',
          updatedAt: '2025-01-01T00:00:00.000Z',
        };
        await repo.insertWebhookDelivery(delivery);
        await repo.updateWebhookDelivery('d-1', {
          status: 'delivered',
          attempts: 2,
          lastStatusCode: 204,
          updatedAt: '2025-01-01T00:00:05.000Z',
        });
        expect(await repo.listWebhookDeliveries({ eventId: 'e-1' })).toEqual([
          {
            ...delivery,
            status: 'delivered',
            attempts: 2,
            lastStatusCode: 204,
            updatedAt: '2025-01-01T00:00:05.000Z',
          },
        ]);
        await expect(repo.updateWebhookDelivery('nope', { attempts: 1 })).rejects.toMatchObject({
          code: 'BLKSHP_NOT_FOUND',
        });
      });
    });

    describe('idempotency keys', () => {
      const key = (keyHash: string, expiresAt: string) => ({
        keyHash,
        fingerprint: `fp-${keyHash}`,
        expiresAt,
      });
      const response = {
        status: 202,
        headers: [['content-type', 'application/json']] as Array<[string, string]>,
        body: '{"operationId":"op-1"}',
      };

      it('reserves a key once, then returns it with its response until it expires', async () => {
        const at = '2025-01-01T00:00:00.000Z';
        expect(await repo.reserveIdempotencyKey(key('k1', '2025-01-02T00:00:00.000Z'), at)).toBe(
          null,
        );
        const pending = await repo.reserveIdempotencyKey(key('k1', '2025-01-03T00:00:00.000Z'), at);
        expect(pending).toMatchObject({ keyHash: 'k1', fingerprint: 'fp-k1', response: null });
        await repo.completeIdempotencyKey('k1', response);
        const done = await repo.reserveIdempotencyKey(key('k1', '2025-01-03T00:00:00.000Z'), at);
        expect(done?.response).toEqual(response);
        // Expired: the key is free again.
        const later = '2025-01-02T00:00:00.000Z';
        expect(await repo.reserveIdempotencyKey(key('k1', '2025-01-04T00:00:00.000Z'), later)).toBe(
          null,
        );
      });

      it('frees a released key', async () => {
        const at = '2025-01-01T00:00:00.000Z';
        await repo.reserveIdempotencyKey(key('k2', '2025-01-02T00:00:00.000Z'), at);
        await repo.releaseIdempotencyKey('k2');
        expect(await repo.reserveIdempotencyKey(key('k2', '2025-01-02T00:00:00.000Z'), at)).toBe(
          null,
        );
      });
    });

    describe('rate buckets', () => {
      const take = (key: string, nowMs: number) =>
        repo.takeRateToken({ key, capacity: 2, refillPerSecond: 0.5, nowMs });

      const passed = (tokens: number) => ({ allowed: true, tokens });
      const refused = (tokens: number) => ({ allowed: false, tokens });

      it('allows a burst of the capacity, then refuses, then refills over time', async () => {
        const t = Date.parse('2025-01-01T00:00:00.000Z');
        expect(await take('tok-a', t)).toEqual(passed(1));
        expect(await take('tok-a', t)).toEqual(passed(0));
        expect(await take('tok-a', t)).toEqual(refused(0));
        // Another token has its own bucket.
        expect(await take('tok-b', t)).toEqual(passed(1));
        // One second later half a request is back: not enough yet.
        expect(await take('tok-a', t + 1_000)).toEqual(refused(0.5));
        expect(await take('tok-a', t + 2_000)).toEqual(passed(0));
        expect(await take('tok-a', t + 2_000)).toEqual(refused(0));
        // A clock running behind (another replica's) refills nothing and takes nothing back.
        expect(await take('tok-a', t)).toEqual(refused(0));
        // Never more than the capacity, however long it was idle.
        const later = t + 3_600_000;
        expect(await take('tok-a', later)).toEqual(passed(1));
        expect(await take('tok-a', later)).toEqual(passed(0));
        expect(await take('tok-a', later)).toEqual(refused(0));
      });
    });

    describe('stack settings', () => {
      it('stores a settings file per stack and replaces it whole', async () => {
        const stack = 'blkshp-property/alpha';
        expect(await repo.getStackSettings(stack)).toBeNull();
        const first = 'encryptionsalt: v1:abc\nconfig:\n  blkshp:spec: "{}"\n';
        await repo.putStackSettings(stack, first, '2025-01-01T00:00:00.000Z');
        expect(await repo.getStackSettings(stack)).toBe(first);
        await repo.putStackSettings(stack, 'config: {}\n', '2025-01-01T00:01:00.000Z');
        expect(await repo.getStackSettings(stack)).toBe('config: {}\n');
        expect(await repo.getStackSettings('blkshp-property/beta')).toBeNull();
      });
    });
  });
}
