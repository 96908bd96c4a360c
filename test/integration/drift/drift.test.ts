/**
 * Scheduled drift checks end to end: the real engine on the sandbox cloud, the real control
 * plane and storage, a local webhook receiver and a recording Slack postMessage. Only the
 * scheduler's clock is driven by hand, so "the next scheduled check" comes when the test says.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../../infra/control-plane-api.ts';
import { remediateDrift } from '../../../infra/drift/actions.ts';
import { DriftMonitor } from '../../../infra/drift/monitor.ts';
import { DriftScheduler, type SchedulerClock } from '../../../infra/drift/scheduler.ts';
import { createSchedulesApi } from '../../../infra/drift/schedules.ts';
import { SlackDriftNotifier } from '../../../infra/drift/slack.ts';
import { type Block, DRIFT_REMEDIATE_ACTION } from '../../../infra/drift/slack-blocks.ts';
import { verifyWebhookSignature } from '../../../infra/drift/webhook-signature.ts';
import { WebhookNotifier } from '../../../infra/drift/webhooks.ts';
import type { Operation } from '../../../infra/operations/model.ts';
import { changeSandboxResource } from '../../../sandbox/console.ts';
import { createTestControlPlane, type TestControlPlane } from '../../support/control-plane.ts';
import { testPropertyInput } from '../../support/properties.ts';
import { uniqueName } from '../../support/temp-dir.ts';

const alice: Actor = { id: 'slack:UALICE', channel: 'slack:CENG' };
const bob: Actor = { id: 'slack:UBOB', channel: 'slack:CENG' };
const SECRET = 'integration-webhook-secret-0123456789';
const MINUTE = 60_000;

/** A clock that moves only when told, running the timers that fall due. */
class ManualClock implements SchedulerClock {
  #now: number;
  constructor(start = Date.parse('2025-06-01T00:00:30Z')) {
    this.#now = start;
  }
  #timers = new Map<number, { at: number; callback: () => void }>();
  #seq = 0;
  now = () => new Date(this.#now);
  setTimeout = (callback: () => void, ms: number) => {
    this.#timers.set(++this.#seq, { at: this.#now + ms, callback });
    return this.#seq;
  };
  clearTimeout = (handle: unknown) => void this.#timers.delete(handle as number);
  advance(ms: number): void {
    this.#now += ms;
    for (const [id, timer] of [...this.#timers].sort((a, b) => a[1].at - b[1].at)) {
      if (timer.at > this.#now) continue;
      this.#timers.delete(id);
      timer.callback();
    }
  }
}

interface Received {
  body: string;
  timestamp: string | undefined;
  signature: string | undefined;
}

describe('scheduled drift checks on the real engine', () => {
  const slug = uniqueName('drift').slice(0, 30);
  const clock = new ManualClock();
  const posts: Array<{ channel: string; text: string; blocks: Block[] }> = [];
  const received: Received[] = [];
  let tcp: TestControlPlane;
  let server: Server;
  let monitor: DriftMonitor;
  let scheduler: DriftScheduler;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        received.push({
          body,
          timestamp: req.headers['x-blkshp-timestamp'] as string | undefined,
          signature: req.headers['x-blkshp-signature'] as string | undefined,
        });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/blkshp`;

    tcp = await createTestControlPlane({ policyPackDir: null });
    const { controlPlane, repo, logger } = tcp;
    monitor = await DriftMonitor.start({
      controlPlane,
      repo,
      logger,
      notifiers: [
        new WebhookNotifier({ targets: [{ url, secret: SECRET }], repo, logger }),
        new SlackDriftNotifier({
          channel: 'C0DRIFT01',
          logger,
          postMessage: async (channel, text, blocks) => {
            posts.push({ channel, text, blocks });
          },
        }),
      ],
    });
    await createSchedulesApi({ repo }).upsert('*', '*/5 * * * *', 'UTC');
    scheduler = await DriftScheduler.start({
      controlPlane,
      repo,
      logger,
      clock,
      maxJitterMs: 30_000,
      random: () => 0.5,
    });
  });

  afterAll(async () => {
    await scheduler?.stop();
    await monitor?.stop();
    await tcp?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  /** Moves the clock to the next five-minute mark and past its jitter; waits for the check. */
  async function nextScheduledCheck(): Promise<Operation> {
    const before = await tcp.controlPlane.listOperations({ property: slug, kind: 'drift-check' });
    clock.advance(5 * MINUTE);
    await scheduler.idle();
    clock.advance(30_000); // past the jitter the tick chose
    await scheduler.idle();
    const after = await tcp.controlPlane.listOperations({ property: slug, kind: 'drift-check' });
    expect(after).toHaveLength(before.length + 1);
    const check = after[0] as Operation;
    expect(check).toMatchObject({ actor: 'schedule', priority: 'scheduled' });
    const done = await tcp.controlPlane.waitFor(check.id);
    await monitor.idle();
    return done;
  }

  async function finished(pending: Promise<{ accepted: boolean }>): Promise<Operation> {
    const result = (await pending) as { accepted: boolean; operation?: Operation };
    if (!result.accepted || !result.operation)
      throw new Error(`refused: ${JSON.stringify(result)}`);
    return tcp.controlPlane.waitFor(result.operation.id);
  }

  it('finds an applied property in sync and says nothing', async () => {
    const { preview } = await tcp.controlPlane.addProperty(testPropertyInput(slug), alice);
    const previewed = await finished(Promise.resolve(preview));
    expect(previewed.status).toBe('succeeded');
    const applied = await finished(tcp.controlPlane.apply(previewed.id, bob));
    expect(applied.error).toBeNull();

    const check = await nextScheduledCheck();
    expect(check.status).toBe('succeeded');
    const [result] = await tcp.repo.listDriftResults({ property: slug });
    expect(result).toMatchObject({ status: 'in-sync', operationId: check.id });
    expect(posts).toEqual([]);
    expect(received).toEqual([]);
  });

  it('reports a change made behind its back once, in Slack and by a signed webhook', async () => {
    await changeSandboxResource(tcp.sandboxDir, slug, { name: 'app' }, { size: 's-8vcpu-16gb' });
    await nextScheduledCheck();

    expect(posts).toHaveLength(1);
    expect(posts[0]?.channel).toBe('C0DRIFT01');
    expect(posts[0]?.text).toContain(`${slug} drifted`);
    expect(JSON.stringify(posts[0]?.blocks)).toContain(DRIFT_REMEDIATE_ACTION);
    expect(JSON.stringify(posts[0]?.blocks)).toContain('s-8vcpu-16gb');

    expect(received).toHaveLength(1);
    const delivery = received[0] as Received;
    expect(verifyWebhookSignature({ secret: SECRET, ...delivery })).toBe(true);
    expect(verifyWebhookSignature({ secret: 'some-other-secret-0000', ...delivery })).toBe(false);
    const event = JSON.parse(delivery.body);
    expect(event).toMatchObject({ type: 'drift.detected', property: slug, status: 'drifted' });
    expect(event.resources[0].changes).toContainEqual(
      expect.objectContaining({ path: 'size', new: 's-8vcpu-16gb' }),
    );
    const [logged] = await tcp.repo.listWebhookDeliveries({ eventId: event.id });
    expect(logged).toMatchObject({ status: 'delivered', attempts: 1, lastStatusCode: 204 });
  });

  it('sends nothing when the next check finds the same drift', async () => {
    const check = await nextScheduledCheck();
    expect(check.status).toBe('succeeded');
    const [latest] = await tcp.repo.listDriftResults({ property: slug, limit: 1 });
    expect(latest?.status).toBe('drifted');
    expect(posts).toHaveLength(1);
    expect(received).toHaveLength(1);
  });

  it('restores sync through the Remediate flow and then sends one "resolved"', async () => {
    const { refresh, preview } = await remediateDrift(tcp.controlPlane, slug, alice);
    expect(refresh.accepted && preview.accepted).toBe(true);
    const previewed = await finished(Promise.resolve(preview));
    expect(previewed.status).toBe('succeeded');
    const updated = previewed.changeSet?.resources.filter((r) => r.op !== 'same') ?? [];
    // The DNS record follows the droplet's address, which is unknown until the update runs.
    expect(updated.map((r) => r.name)).toContain('app');
    const applied = await finished(tcp.controlPlane.apply(previewed.id, bob));
    expect(applied.error).toBeNull();

    await nextScheduledCheck();
    const [latest] = await tcp.repo.listDriftResults({ property: slug, limit: 1 });
    expect(latest?.status).toBe('in-sync');
    expect(posts).toHaveLength(2);
    expect(posts[1]?.text).toContain('back in sync');
    expect(received).toHaveLength(2);
    expect(JSON.parse(received[1]?.body ?? '{}').type).toBe('drift.resolved');
    expect(verifyWebhookSignature({ secret: SECRET, ...(received[1] as Received) })).toBe(true);
  });

  it('after an outage, checks once at start-up what came due while it was down', async () => {
    await scheduler.stop();
    const before = await tcp.controlPlane.listOperations({ property: slug, kind: 'drift-check' });
    const lastAt = Date.parse((before[0] as Operation).finishedAt as string);
    const { controlPlane, repo, logger } = tcp;
    const restartAt = (at: number) =>
      DriftScheduler.start({
        controlPlane,
        repo,
        logger,
        clock: new ManualClock(at),
        maxJitterMs: 0,
      });

    // Back at once: no run came due after the last check.
    const quick = await restartAt(lastAt + 1);
    expect(await quick.catchUp()).toEqual([]);
    await quick.stop();

    // Back after an hour: twelve five-minute runs were missed, and one check makes up for them.
    scheduler = await restartAt(lastAt + 60 * MINUTE);
    expect(await scheduler.catchUp()).toEqual([slug]);
    await scheduler.idle();
    const after = await tcp.controlPlane.listOperations({ property: slug, kind: 'drift-check' });
    expect(after).toHaveLength(before.length + 1);
    const check = after[0] as Operation;
    expect(check).toMatchObject({ actor: 'schedule', priority: 'scheduled' });
    expect((await tcp.controlPlane.waitFor(check.id)).status).toBe('succeeded');
    expect(scheduler.stats()).toMatchObject({ caughtUp: 1, enqueued: 1 });
  });
});
