/**
 * A real control plane for integration tests: SQLite in a temp directory, a file state backend,
 * a passphrase file, the sandbox cloud, the real engine and the baseline policy pack. Every call
 * gets its own directory; `close` stops the queue and removes it.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { ControlPlane, type ControlPlaneOptions } from '../../infra/control-plane.ts';
import { getEngine } from '../../infra/pulumi/engine.ts';
import { POLICY_PACK_DIR } from '../../infra/service.ts';
import type { Repository } from '../../infra/storage/repository.ts';
import { SqliteRepository } from '../../infra/storage/sqlite.ts';

export interface TestControlPlane {
  controlPlane: ControlPlane;
  repo: Repository;
  dataDir: string;
  /** Where the sandbox providers keep their resources (for `changeSandboxResource`). */
  sandboxDir: string;
  logger: Logger;
  close(): Promise<void>;
}

export async function createTestControlPlane(
  options: Partial<
    Pick<
      ControlPlaneOptions,
      'maxEngineRuns' | 'previewMaxAgeMinutes' | 'policyPackDir' | 'program'
    >
  > & {
    dataDir?: string;
    /** Another state backend than the default `file://` one, with the variables it needs. */
    backendUrl?: string;
    backendEnv?: Record<string, string>;
  } = {},
): Promise<TestControlPlane> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'blkshp-cp-')));
  await mkdir(dataDir, { recursive: true });
  const logger = pino({ level: process.env.BLKSHP_TEST_LOG ?? 'silent' });
  const passphraseFile = join(dataDir, 'passphrase');
  await writeFile(passphraseFile, 'integration-test-passphrase\n', { mode: 0o600 });
  const repo = await SqliteRepository.open(join(dataDir, 'blkshp.sqlite'));
  await repo.migrate();
  const controlPlane = await ControlPlane.open({
    repo,
    logger,
    dataDir,
    engine: {
      engine: getEngine,
      backendUrl: options.backendUrl ?? `file://${join(dataDir, 'state')}`,
      ...(options.backendEnv ? { backendEnv: options.backendEnv } : {}),
      secretsProvider: null,
      secretsEnv: async () => ({ PULUMI_CONFIG_PASSPHRASE_FILE: passphraseFile }),
    },
    maxEngineRuns: options.maxEngineRuns ?? 2,
    operationTimeoutSeconds: 600,
    previewMaxAgeMinutes: options.previewMaxAgeMinutes ?? 60,
    isSandboxed: () => true,
    policyPackDir: options.policyPackDir === undefined ? POLICY_PACK_DIR : options.policyPackDir,
    ...(options.program ? { program: options.program } : {}),
  });
  return {
    controlPlane,
    repo,
    dataDir,
    sandboxDir: join(dataDir, 'sandbox', 'state'),
    logger,
    async close() {
      await controlPlane.close();
      await repo.close();
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
