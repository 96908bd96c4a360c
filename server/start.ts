/**
 * Starts the whole service in one process: the control plane with its queue, the REST API and
 * dashboard, and the Slack bot when Slack is configured. Transports sit on the control plane;
 * the control plane knows nothing of them.
 */
import { access, constants } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { createApiApp } from '../api/app.ts';
import type { Mount, ReadinessReport } from '../api/deps.ts';
import { storedIdempotencyKeys } from '../api/middleware/idempotency.ts';
import { DEFAULT_RATE_LIMIT } from '../api/middleware/rate-limit.ts';
import { startHttpServer } from '../api/server.ts';
import { demoPropertyInput } from '../infra/demo.ts';
import { startDriftService } from '../infra/drift/index.ts';
import { QUEUES } from '../infra/jobs/job-engine.ts';
import { getEngine } from '../infra/pulumi/engine.ts';
import { openService, type Service } from '../infra/service.ts';
import { CLOUDS, isSandboxed, type Settings } from '../infra/settings/settings.ts';
import { verifyToken } from '../infra/tokens/index.ts';
import { createBot } from './slack.ts';

export interface RunningServer {
  url: string;
  logger: Logger;
  service: Service;
  close(): Promise<void>;
}

export const SERVICE_VERSION = '0.1.0';

export async function startServer(settings: Settings): Promise<RunningServer> {
  const service = await openService(settings);
  const { logger, controlPlane, repo } = service;
  // Stopped in reverse order of starting: HTTP first, the control plane last.
  const stoppers: Array<() => Promise<void>> = [];
  try {
    const publicUrl = process.env.BLKSHP_PUBLIC_URL ?? `http://${settings.host}:${settings.port}`;
    const bot = createBot(settings, service, publicUrl);
    const mounts: Mount[] = bot.mount ? [bot.mount] : [];
    const drift = await startDriftService({
      controlPlane,
      repo,
      logger,
      env: process.env,
      ...(service.replication ? { boss: service.replication.boss } : {}),
      ...(bot.postMessage ? { postMessage: bot.postMessage } : {}),
    });
    stoppers.push(() => drift.stop());

    const app = createApiApp({
      controlPlane,
      logger,
      verifyToken: async (presented) => {
        const record = await verifyToken(repo, presented);
        return record ? { id: record.id, name: record.name, scopes: record.scopes } : null;
      },
      sandboxMode: CLOUDS.every((cloud) => isSandboxed(settings, cloud)),
      version: SERVICE_VERSION,
      readiness: () => readiness(service),
      demoPropertyInput: () => demoPropertyInput(),
      schedules: drift.schedules,
      // In the database: a retry that reaches another replica, or a restarted one, is answered.
      idempotencyKeys: storedIdempotencyKeys(repo),
      // With replicas the buckets are shared too, so the limit is the fleet's, not each one's.
      ...(service.replication ? { rateLimit: { ...DEFAULT_RATE_LIMIT, store: repo } } : {}),
      mounts,
    });
    const http = await startHttpServer({ app, host: settings.host, port: settings.port });
    stoppers.push(() => http.close());
    await bot.start();
    stoppers.push(() => bot.stop());
    logger.info({ url: http.url, dataDir: settings.dataDir }, 'blkshp is serving');
    return {
      url: http.url,
      logger,
      service,
      close: () => stopAll(stoppers, service),
    };
  } catch (error) {
    await stopAll(stoppers, service);
    throw error;
  }
}

async function stopAll(stoppers: Array<() => Promise<void>>, service: Service): Promise<void> {
  for (const stop of stoppers.reverse()) {
    await stop().catch((error: unknown) => service.logger.warn({ err: error }, 'stop failed'));
  }
  await service.close();
}

async function readiness(service: Service): Promise<ReadinessReport> {
  const report: ReadinessReport = {};
  try {
    await service.repo.listSchedules();
    report.database = { ok: true };
  } catch (error) {
    report.database = { ok: false, detail: (error as Error).message };
  }
  try {
    const engine = await getEngine();
    report.engine = { ok: true, detail: `pulumi ${engine.version}` };
  } catch {
    report.engine = { ok: false, detail: 'the Pulumi engine is unavailable' };
  }
  if (service.replication) {
    try {
      const queue = await service.replication.boss.getQueue(QUEUES.operations);
      const instances = await service.replication.boss.getInstances();
      const live = instances.filter((i) => i.live).length;
      report.jobEngine = {
        ok: queue !== null,
        detail: `replica ${service.replication.replicaName}; ${live} live replica(s)`,
      };
    } catch (error) {
      report.jobEngine = { ok: false, detail: (error as Error).message };
    }
  }
  const backend = service.settings.backendUrl;
  if (backend.startsWith('file://')) {
    try {
      await access(fileURLToPath(backend), constants.W_OK);
      report.stateBackend = { ok: true };
    } catch {
      // The directory appears with the first stack; until then the data directory must be writable.
      try {
        await access(service.settings.dataDir, constants.W_OK);
        report.stateBackend = { ok: true, detail: 'no stacks yet' };
      } catch {
        report.stateBackend = { ok: false, detail: 'the state directory is not writable' };
      }
    }
  } else {
    report.stateBackend = { ok: true, detail: 'remote backend (checked on first run)' };
  }
  return report;
}
