/**
 * The control plane's own deployment program, run by the real engine against the sandbox cloud:
 * the script's checks, a preview, an apply, and a second preview that finds nothing to change.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseDeploymentConfig } from '../../../programs/control-plane/config.ts';
import { runSelfDeploy } from '../../../programs/control-plane/run.ts';
import { listSandboxResources } from '../../../sandbox/console.ts';
import { withTempDir } from '../../support/temp-dir.ts';

const run = promisify(execFile);
const repoRoot = resolve(import.meta.dirname, '../../..');

const input = {
  region: 'nyc3',
  domain: 'control.blkshp.example',
  replicas: 2,
  adminCidrs: ['203.0.113.0/24'],
  image: 'registry.example/blkshp:0.1.0',
};

describe('deploying the control plane itself (sandbox cloud, real engine)', () => {
  it('previews, applies, and then finds nothing to change', async () => {
    await withTempDir('self-deploy', async (dir) => {
      const parsed = parseDeploymentConfig(input);
      if (!parsed.ok) throw new Error('config');
      const base = {
        config: parsed.config,
        passphrase: 'self-deploy-test',
        backendUrl: `file://${join(dir, 'state')}`,
        workDir: join(dir, 'work'),
        sandboxDir: join(dir, 'sandbox'),
      };
      const preview = await runSelfDeploy({ ...base, action: 'preview' });
      expect(JSON.parse(preview.summary)).toMatchObject({ create: expect.any(Number) });

      const up = await runSelfDeploy({ ...base, action: 'up' });
      expect(up.outputs.url).toBe('https://control.blkshp.example');
      expect(up.outputs.replicas).toEqual(['blkshp-cp-1', 'blkshp-cp-2']);

      const resources = await listSandboxResources(base.sandboxDir, 'production');
      const droplets = resources.filter((r) => r.type === 'digitalocean:index/droplet:Droplet');
      expect(droplets).toHaveLength(2);
      // User data carries credentials, so the engine hands it over as a secret.
      const userData = droplets[0]?.inputs.userData as { value?: unknown };
      expect(String(userData.value)).toContain('PULUMI_BACKEND_URL=s3://blkshp-cp-state-');

      const again = await runSelfDeploy({ ...base, action: 'preview' });
      expect(Object.keys(JSON.parse(again.summary))).toEqual(['same']);
    });
  });

  it('the deploy script refuses a bad configuration with one line per field and exit code 2', async () => {
    await withTempDir('self-deploy-cli', async (dir) => {
      const file = join(dir, 'config.json');
      await writeFile(file, JSON.stringify({ ...input, region: 'Frankfurt', replicas: 0 }));
      const failure = await run(
        process.execPath,
        [join(repoRoot, 'programs/control-plane/deploy.ts'), 'preview', file, '--sandbox', dir],
        { cwd: dir, env: { ...process.env, PULUMI_CONFIG_PASSPHRASE: 'x' } },
      ).catch((error: { code: number; stderr: string }) => error);
      expect(failure).toMatchObject({ code: 2 });
      const stderr = (failure as { stderr: string }).stderr;
      expect(stderr).toContain('region: must be a region slug such as nyc3');
      expect(stderr).toMatch(/^replicas: /m);
    });
  });
});
