/**
 * Assembles the service from settings: storage, logger, engine selection and the control plane.
 * The command line and `serve` both start here.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { ControlPlane } from './control-plane.ts';
import { BlkshpError, ERROR_CODES } from './errors.ts';
import { type Replication, startReplication } from './jobs/replication.ts';
import { createLogger } from './logging/logger.ts';
import { acquireDataDirLock, type ProcessLock } from './process-lock.ts';
import { projectRoot } from './project-root.ts';
import { getEngine } from './pulumi/engine.ts';
import { engineSecretsEnv } from './settings/passphrase.ts';
import { isSandboxed, type Settings } from './settings/settings.ts';
import { openRepository } from './storage/open.ts';
import type { Repository } from './storage/repository.ts';

const repoRoot = projectRoot();
/**
 * The baseline policy pack, given to the engine as its executable launcher (programs/policy/analyzer)
 * so that no Node.js language host is needed. Node 24 runs the pack's TypeScript directly.
 */
export const POLICY_PACK_DIR = join(repoRoot, 'programs', 'policy', 'analyzer');

export interface Service {
  settings: Settings;
  logger: Logger;
  repo: Repository;
  controlPlane: ControlPlane;
  /** Present with DATABASE_URL: what this replica shares with the others. */
  replication?: Replication;
  close(): Promise<void>;
}

export interface OpenServiceOptions {
  /**
   * With replicas, whether this process runs operations. The command line does not: it queues
   * work for the service replicas and follows it, and may exit at any time.
   */
  takeWork?: boolean;
}

/**
 * Opens the service. The control plane (and its queue) needs the data directory's lock: a second
 * process on the same directory while a service runs gets a clear error instead of a shared queue.
 */
export async function openService(
  settings: Settings,
  logger = createLogger(settings),
  options: OpenServiceOptions = {},
): Promise<Service> {
  await mkdir(settings.dataDir, { recursive: true, mode: 0o700 });
  const replicated = settings.database.kind === 'postgres';
  const takeWork = !replicated || options.takeWork !== false;
  // A process that takes no work shares nothing local with a running service.
  if (!takeWork) return openAfterLock(settings, logger, async () => {});
  const locked = await acquireDataDirLock(settings.dataDir);
  if (!locked.acquired) {
    throw new BlkshpError(
      ERROR_CODES.conflict,
      `Another blkshp process (pid ${locked.ownerPid}) owns ${settings.dataDir}; ` +
        'use its REST API or stop it first.',
    );
  }
  const lock: ProcessLock = locked.lock;
  return openAfterLock(settings, logger, () => lock.release(), true);
}

/**
 * The rest of opening, once the data directory's lock is settled: held by a process that takes
 * work (`releaseLock` frees it on close), or not needed by one that only queues and follows.
 */
async function openAfterLock(
  settings: Settings,
  logger: Logger,
  releaseLock: () => Promise<void>,
  takeWork = false,
): Promise<Service> {
  let repo: Repository | undefined;
  let replication: Replication | undefined;
  try {
    repo = await openRepository(settings);
    // With Postgres, this process is one replica of many: work goes through the job engine.
    if (settings.database.kind === 'postgres') {
      replication = await startReplication({
        url: settings.database.url,
        replicaName: settings.replica.name,
        heartbeatSeconds: settings.replica.heartbeatSeconds,
        drainSeconds: settings.replica.drainSeconds,
        maxEngineRuns: settings.maxEngineRuns,
        logger,
      });
    }
    const controlPlane = await ControlPlane.open({
      repo,
      logger,
      dataDir: settings.dataDir,
      dirs: {
        dataDir: settings.dataDir,
        workspacesDir: settings.workspacesDir,
        sandboxDir: settings.sandboxDir,
      },
      ...(replication ? { replication } : {}),
      takeWork,
      engine: {
        engine: getEngine,
        backendUrl: settings.backendUrl,
        secretsProvider: settings.secretsProvider,
        secretsEnv: () => engineSecretsEnv(settings),
      },
      maxEngineRuns: settings.maxEngineRuns,
      operationTimeoutSeconds: settings.operationTimeoutSeconds,
      previewMaxAgeMinutes: settings.previewMaxAgeMinutes,
      isSandboxed: (cloud) => isSandboxed(settings, cloud),
      policyPackDir: POLICY_PACK_DIR,
    });
    const openedRepo = repo;
    const openedReplication = replication;
    return {
      settings,
      logger,
      repo: openedRepo,
      controlPlane,
      ...(openedReplication ? { replication: openedReplication } : {}),
      async close() {
        await controlPlane.close();
        await openedReplication?.close();
        await openedRepo.close();
        await releaseLock();
      },
    };
  } catch (error) {
    await replication?.close().catch(() => undefined);
    await repo?.close();
    await releaseLock();
    throw error;
  }
}
