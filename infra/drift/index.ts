/**
 * Scheduled drift checks and their notifications, wired in one call for the service's entry
 * point. Transports use the exported pieces (SchedulesApi, actions, Block Kit builders).
 */
import type { PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import type { ControlPlaneApi } from '../control-plane-api.ts';
import type { Repository } from '../storage/repository.ts';
import { DigestSchedule, parseDigestTiming } from './digest-schedule.ts';
import type { DriftNotifier } from './model.ts';
import { DriftMonitor } from './monitor.ts';
import { ReplicatedDriftTicks } from './replicated-ticks.ts';
import { DriftScheduler, type DriftSchedulerOptions } from './scheduler.ts';
import { createSchedulesApi, type SchedulesApi } from './schedules.ts';
import { type PostMessage, parseSlackChannel, SlackDriftNotifier } from './slack.ts';
import { parseWebhookTargets, WebhookNotifier } from './webhooks.ts';

export * from './actions.ts';
export * from './digest.ts';
export * from './digest-schedule.ts';
export * from './model.ts';
export * from './results.ts';
export * from './scheduler.ts';
export * from './schedules.ts';
export * from './slack.ts';
export * from './slack-blocks.ts';
export * from './webhook-signature.ts';
export * from './webhooks.ts';

export interface DriftServiceOptions {
  controlPlane: ControlPlaneApi;
  repo: Repository;
  logger: Logger;
  /**
   * `process.env`: reads BLKSHP_WEBHOOKS, BLKSHP_DRIFT_SLACK_CHANNEL and the digest's
   * BLKSHP_DRIFT_DIGEST_CRON and BLKSHP_DRIFT_DIGEST_TIMEZONE.
   */
  env: Record<string, string | undefined>;
  /** The bot's `chat.postMessage`; without it no Slack notifications are sent. */
  postMessage?: PostMessage;
  scheduler?: Partial<Pick<DriftSchedulerOptions, 'maxJitterMs' | 'defaultSchedule' | 'clock'>>;
  /** With replicas: the job engine's cron fires the schedules, once per tick for all. */
  boss?: PgBoss;
}

export interface DriftService {
  scheduler: DriftScheduler;
  monitor: DriftMonitor;
  schedules: SchedulesApi;
  notifiers: DriftNotifier[];
  /** The daily digest to the drift channel; null without a channel and Slack, or when off. */
  digest: DigestSchedule | null;
  stop(): Promise<void>;
}

/** Validates the configuration first (throws BLKSHP_CONFIG_INVALID), then starts everything. */
export async function startDriftService(options: DriftServiceOptions): Promise<DriftService> {
  const { controlPlane, repo, logger, env } = options;
  const targets = parseWebhookTargets(env.BLKSHP_WEBHOOKS);
  const channel = parseSlackChannel(env.BLKSHP_DRIFT_SLACK_CHANNEL);
  const digestTiming = parseDigestTiming(env);

  const notifiers: DriftNotifier[] = [];
  if (targets.length > 0) notifiers.push(new WebhookNotifier({ targets, repo, logger }));
  if (channel && options.postMessage) {
    notifiers.push(new SlackDriftNotifier({ channel, postMessage: options.postMessage, logger }));
  } else if (channel) {
    logger.warn('BLKSHP_DRIFT_SLACK_CHANNEL is set but Slack is not; no drift messages to Slack');
  }

  const monitor = await DriftMonitor.start({ controlPlane, repo, notifiers, logger });
  const scheduler = await DriftScheduler.start({
    controlPlane,
    repo,
    logger,
    ...options.scheduler,
    externalTicks: options.boss !== undefined,
  });
  const ticks = options.boss
    ? await ReplicatedDriftTicks.start(options.boss, scheduler, logger)
    : null;
  // After the ticks: with replicas, the catch-up's checks wait out their jitter in the job engine.
  await scheduler.catchUp();
  const schedules = createSchedulesApi({
    repo,
    onChange: () => void (ticks ? ticks.sync() : scheduler.reload()),
  });
  const digest =
    channel && options.postMessage && digestTiming
      ? await DigestSchedule.start({
          timing: digestTiming,
          channel,
          postMessage: options.postMessage,
          repo,
          logger,
          ...(options.boss ? { boss: options.boss } : {}),
        })
      : null;
  if (!digest && options.boss) await DigestSchedule.unschedule(options.boss);
  logger.info(
    {
      webhooks: targets.length,
      slack: Boolean(channel && options.postMessage),
      digest: digest ? digestTiming : 'off',
    },
    'drift checks scheduled',
  );
  return {
    scheduler,
    monitor,
    schedules,
    notifiers,
    digest,
    async stop() {
      await digest?.stop();
      await ticks?.stop();
      await scheduler.stop();
      await monitor.stop();
    },
  };
}
