import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setPath, unsetPath } from '../../../sandbox/paths.ts';
import { prepareSandboxPlugins, sandboxEntry } from '../../../sandbox/plugins.ts';

const run = promisify(execFile);
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sandbox-plugins-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('prepareSandboxPlugins', () => {
  it('writes an executable shim per package, versioned like the installed SDK', async () => {
    const plugins = await prepareSandboxPlugins(dir);
    expect(plugins.map((p) => p.name)).toEqual(['digitalocean', 'gcp', 'aws']);
    const aws = plugins.find((p) => p.name === 'aws');
    const sdk = JSON.parse(await readFile('node_modules/@pulumi/aws/package.json', 'utf8'));
    expect(aws?.version).toBe(sdk.version);
    expect(aws?.path).toBe(join(dir, 'sandbox', 'plugins', 'aws'));
    const shim = join(dir, 'sandbox', 'plugins', 'aws', 'pulumi-resource-aws');
    expect((await stat(shim)).mode & 0o111).not.toBe(0);
    expect(await readFile(shim, 'utf8')).toContain(`'${sandboxEntry()}' aws "$@"`);
  });

  it('points at the TypeScript entry when loaded from source', () => {
    expect(sandboxEntry()).toMatch(/sandbox\/main\.ts$/);
  });

  it('starts a provider that prints its port, as the engine expects', async () => {
    const [spec] = await prepareSandboxPlugins(dir);
    const shim = join(spec?.path ?? '', `pulumi-resource-${spec?.name}`);
    // No engine to talk to: the server still binds and announces its port before any call.
    const child = run(shim, ['127.0.0.1:1'], { timeout: 10_000 });
    const out = await new Promise<string>((resolve) => {
      child.child.stdout?.once('data', (chunk: Buffer) => resolve(chunk.toString()));
    });
    child.child.kill();
    await child.catch(() => undefined);
    expect(out.trim()).toMatch(/^\d+$/);
  });
});

describe('property paths', () => {
  it('sets through missing objects and lists, appends with +, and splices on unset', () => {
    const target: Record<string, unknown> = {};
    setPath(target, 'a.b[0].c', 1);
    setPath(target, 'a.b.+', 2);
    expect(target).toEqual({ a: { b: [{ c: 1 }, 2] } });
    expect(unsetPath(target, 'a.b.0')).toBe(true);
    expect(target).toEqual({ a: { b: [2] } });
    expect(unsetPath(target, 'a.x')).toBe(false);
  });
});
