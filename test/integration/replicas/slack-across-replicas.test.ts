/**
 * The Slack bot on one replica follows an operation that another replica runs: its live message
 * shows the engine's progress and ends with the finished preview, all of it carried over
 * Postgres LISTEN/NOTIFY. The front replica takes no work, so every engine run is on the other.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ControlPlane } from '../../../infra/control-plane.ts';
import type { Replication } from '../../../infra/jobs/replication.ts';
import type { Operation } from '../../../infra/operations/model.ts';
import { getEngine } from '../../../infra/pulumi/engine.ts';
import type { PostgresRepository } from '../../../infra/storage/postgres.ts';
import type { SlackCall } from '../../support/fake-slack.ts';
import { usePostgresCluster } from '../../support/postgres-suite.ts';
import { testPropertyInput } from '../../support/properties.ts';
import { withTempDir } from '../../support/temp-dir.ts';
import { openTestReplication } from '../../support/test-replication.ts';
import { startBot } from '../bot/harness.ts';

const logger = pino({ level: 'silent' });
const text = (call: SlackCall) => JSON.stringify(call.body);
const cluster = usePostgresCluster();

interface InProcessReplica {
  controlPlane: ControlPlane;
  repo: PostgresRepository;
  replication: Replication;
  close(): Promise<void>;
}

async function startReplica(
  url: string,
  dir: string,
  name: string,
  takeWork: boolean,
): Promise<InProcessReplica> {
  const { repo, replication } = await openTestReplication(url, name, { maxEngineRuns: 2, logger });
  const dataDir = join(dir, name);
  await mkdir(dataDir, { recursive: true });
  const controlPlane = await ControlPlane.open({
    repo,
    logger,
    dataDir,
    dirs: {
      dataDir,
      workspacesDir: join(dataDir, 'workspaces'),
      sandboxDir: join(dir, 'shared', 'sandbox'),
    },
    replication,
    takeWork,
    engine: {
      engine: getEngine,
      backendUrl: `file://${join(dir, 'shared', 'state')}`,
      secretsProvider: null,
      secretsEnv: async () => ({ PULUMI_CONFIG_PASSPHRASE_FILE: join(dir, 'passphrase') }),
    },
    maxEngineRuns: 2,
    operationTimeoutSeconds: 600,
    previewMaxAgeMinutes: 60,
    isSandboxed: () => true,
    policyPackDir: null,
  });
  return {
    controlPlane,
    repo,
    replication,
    async close() {
      await controlPlane.close();
      await replication.close();
      await repo.close();
    },
  };
}

describe('Slack on one replica, the engine on another', () => {
  it('updates the live message with progress and the finished preview', async () => {
    await withTempDir('slack-replicas', async (dir) => {
      await writeFile(join(dir, 'passphrase'), 'shared by the replicas\n', { mode: 0o600 });
      const url = await cluster.createDatabase();
      const front = await startReplica(url, dir, 'front', false);
      const worker = await startReplica(url, dir, 'worker', true);
      const harness = await startBot(front.controlPlane, { updateIntervalMs: 200 });
      try {
        const slug = 'twin-slack';
        const added = await front.controlPlane.addProperty(testPropertyInput(slug), {
          id: 'slack:U0OPERATOR',
          channel: 'slack:C0INFRA',
        });
        const first = (added.preview as { operation: Operation }).operation;
        // The front replica hears of the finish over the relay (it ran nothing itself).
        expect((await front.controlPlane.waitFor(first.id)).status).toBe('succeeded');

        await harness.command('U0OPERATOR', `preview ${slug}`);
        await harness.slack.waitFor((c) => c.method === 'chat.postMessage', 30_000);
        const finished = await harness.slack.waitFor(
          (c) => c.method === 'chat.update' && text(c).includes('succeeded'),
          240_000,
          'the finished preview',
        );
        expect(text(finished)).toContain('12 to create');
        // Progress from the engine on the other replica was shown on the way.
        const progress = harness.slack.calls.filter(
          (c) => c.method === 'chat.update' && text(c).includes('resources'),
        );
        expect(progress.length).toBeGreaterThan(0);
        // Every preview ran on the worker replica.
        const previews = await worker.repo.listOperations({ property: slug, kind: 'preview' });
        expect(previews.map((o) => o.status)).toEqual(['succeeded', 'succeeded']);
      } finally {
        await harness.close();
        await front.close();
        await worker.close();
      }
    });
  });
});
