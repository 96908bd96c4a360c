import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SETTING_VARIABLES } from '../../../infra/settings/settings.ts';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../../..');
const read = (path: string) => readFile(join(root, path), 'utf8');

/** Variables the code reads outside loadSettings, found in the source itself. */
async function variablesReadByTheCode(): Promise<Set<string>> {
  const found = new Set<string>(SETTING_VARIABLES);
  for (const dir of ['infra', 'server', 'cli', 'api', 'bot', 'sandbox', 'programs']) {
    const files = await readdir(join(root, dir), { recursive: true });
    for (const file of files.filter((f) => f.endsWith('.ts'))) {
      const text = await readFile(join(root, dir, file), 'utf8');
      for (const match of text.matchAll(/\benv\.([A-Z][A-Z0-9_]+)/g)) found.add(match[1] as string);
    }
  }
  return found;
}

// Read by the programs the service runs, not by the service: the Pulumi CLI, Node.js, the shell.
const READ_BY_OTHERS = new Set(['PATH', 'NODE_ENV', 'PULUMI_SKIP_UPDATE_CHECK']);

describe('deploy/', () => {
  it('sets no environment variable that nothing reads (a typo would be silently ignored)', async () => {
    const known = await variablesReadByTheCode();
    const compose = parse(await read('deploy/compose.yaml')) as {
      services: { blkshp: { environment: Record<string, string> } };
    };
    const dockerfile = await read('deploy/Dockerfile');
    const unit = await read('deploy/blkshp.service');
    const set = [
      ...Object.keys(compose.services.blkshp.environment),
      ...[...dockerfile.matchAll(/^\s*(?:ENV\s+)?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]),
      ...[...unit.matchAll(/^Environment=([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]),
      'DATABASE_URL',
    ] as string[];
    const unknown = set.filter((name) => !known.has(name) && !READ_BY_OTHERS.has(name));
    expect(unknown).toEqual([]);
    expect(set).toContain('PULUMI_BACKEND_URL');
  });

  it('builds the image in stages, runs it as a non-root user, and checks its health', async () => {
    const dockerfile = await read('deploy/Dockerfile');
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(3);
    expect(dockerfile).toMatch(/^USER blkshp$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n.*\/healthz/m);
    expect(dockerfile).toContain('pulumi-language-nodejs');
    // The image's versions are the project's pinned ones.
    const toolchain = await read('scripts/toolchain.env');
    for (const name of ['NODE_VERSION', 'PULUMI_VERSION']) {
      const pinned = toolchain.match(new RegExp(`^${name}=(.+)$`, 'm'))?.[1];
      expect(dockerfile).toContain(`ARG ${name}=${pinned}`);
    }
  });

  it('runs the service with Postgres in compose, waiting for it to be healthy', async () => {
    const compose = parse(await read('deploy/compose.yaml')) as {
      services: Record<string, { depends_on?: Record<string, { condition: string }> }>;
    };
    expect(Object.keys(compose.services).sort()).toEqual(['blkshp', 'postgres']);
    expect(compose.services.blkshp?.depends_on?.postgres?.condition).toBe('service_healthy');
  });

  it('gives each scaled replica its own data directory, sharing only the shared volume', async () => {
    const compose = parse(await read('deploy/compose.yaml')) as {
      services: { blkshp: { volumes: string[] } };
    };
    const dockerfile = await read('deploy/Dockerfile');
    const dataDir = dockerfile.match(/BLKSHP_DATA_DIR=(\S+)/)?.[1];
    expect(dataDir).toBe('/var/lib/blkshp');
    expect(dockerfile).toContain(`VOLUME ["${dataDir}"]`);
    const targets = compose.services.blkshp.volumes.map((v) => v.split(':')[1]);
    expect(targets).not.toContain(dataDir);
    expect(targets).toContain('/srv/blkshp-shared');
  });

  it('has a systemd unit that systemd-analyze accepts without a warning', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'blkshp-unit-'));
    try {
      // The unit names the installed Node.js; verify needs an executable that exists here.
      const unit = (await read('deploy/blkshp.service')).replace(
        /^ExecStart=\S+/m,
        `ExecStart=${process.execPath}`,
      );
      const path = join(dir, 'blkshp.service');
      await writeFile(path, unit);
      const { stdout, stderr } = await run('systemd-analyze', ['verify', path]);
      expect(`${stdout}${stderr}`.trim()).toBe('');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
