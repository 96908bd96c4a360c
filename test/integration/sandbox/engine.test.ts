/**
 * The real engine against the sandbox cloud: a small inline program with resources from all three
 * SDKs goes through preview, up, drift detection, an update and a replacement, and destroy.
 *
 * Set BLKSHP_RECORD_ENGINE_EVENTS=1 to rewrite the recorded event streams under
 * test/fixtures/engine-events/ (the ChangeSet builder's test input).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as aws from '@pulumi/aws';
import * as digitalocean from '@pulumi/digitalocean';
import * as gcp from '@pulumi/gcp';
import {
  type EngineEvent,
  LocalWorkspace,
  type PreviewResult,
  type Stack,
} from '@pulumi/pulumi/automation/index.js';
import { describe, expect, it } from 'vitest';
import { getEngine } from '../../../infra/pulumi/engine.ts';
import { changeSandboxResource, listSandboxResources } from '../../../sandbox/console.ts';
import { prepareSandboxPlugins } from '../../../sandbox/plugins.ts';

const RECORD = process.env.BLKSHP_RECORD_ENGINE_EVENTS === '1';
const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'engine-events');

interface Settings {
  dropletSize: string;
  dropletRegion: string;
}

/** The program reads `settings` on every run, so a test changes the desired state between runs. */
function makeProgram(settings: Settings) {
  return async () => {
    const droplet = new digitalocean.Droplet('web', {
      image: 'ubuntu-24-04-x64',
      region: settings.dropletRegion,
      size: settings.dropletSize,
      monitoring: true,
    });
    new digitalocean.Firewall('web-fw', {
      dropletIds: [droplet.id.apply(Number)],
      inboundRules: [{ protocol: 'tcp', portRange: '443', sourceAddresses: ['0.0.0.0/0'] }],
      outboundRules: [
        { protocol: 'tcp', portRange: '1-65535', destinationAddresses: ['0.0.0.0/0'] },
      ],
    });

    const image = gcp.compute.getImageOutput({ family: 'debian-12', project: 'debian-cloud' });
    const instance = new gcp.compute.Instance('app', {
      machineType: 'e2-small',
      zone: 'us-central1-a',
      bootDisk: { initializeParams: { image: image.selfLink } },
      networkInterfaces: [{ network: 'default', accessConfigs: [{}] }],
    });

    const sg = new aws.ec2.SecurityGroup('web-sg', {
      description: 'web traffic',
      ingress: [{ protocol: 'tcp', fromPort: 443, toPort: 443, cidrBlocks: ['0.0.0.0/0'] }],
    });
    const bucket = new aws.s3.Bucket('backups', { forceDestroy: true });
    new aws.s3.BucketLifecycleConfiguration('backups-lifecycle', {
      bucket: bucket.bucket,
      rules: [{ id: 'expire', status: 'Enabled', expiration: { days: 30 } }],
    });

    return {
      dropletIp: droplet.ipv4Address,
      instanceLink: instance.selfLink,
      securityGroupId: sg.id,
      bucketArn: bucket.arn,
    };
  };
}

/** Collects one operation's events; writes them to a fixture when recording. */
function recorder(fixture: string) {
  const events: EngineEvent[] = [];
  return {
    events,
    onEvent: (event: EngineEvent) => events.push(event),
    async save(): Promise<void> {
      if (!RECORD) return;
      await mkdir(FIXTURES, { recursive: true });
      await writeFile(join(FIXTURES, fixture), `${JSON.stringify(events, null, 2)}\n`);
    },
  };
}

/**
 * op per resource (by logical name), without the stack and providers. A preview announces its
 * steps in resourcePreEvents; a refresh announces `refresh` there and tells what it found (the
 * drift) in resOutputsEvents.
 */
function opsByName(
  events: EngineEvent[],
  kind: 'resourcePreEvent' | 'resOutputsEvent' = 'resourcePreEvent',
): Record<string, string[]> {
  const ops: Record<string, string[]> = {};
  for (const e of events) {
    const meta = e[kind]?.metadata;
    if (!meta || meta.type === 'pulumi:pulumi:Stack' || meta.type.startsWith('pulumi:providers:')) {
      continue;
    }
    const name = meta.urn.split('::').at(-1) ?? meta.urn;
    ops[name] = [...(ops[name] ?? []), meta.op];
  }
  return ops;
}

function changed(result: PreviewResult): Record<string, number> {
  return Object.fromEntries(Object.entries(result.changeSummary).filter(([op]) => op !== 'same'));
}

async function openSandboxStack(tmp: string, stackName: string, settings: Settings) {
  const engine = await getEngine();
  const stateDir = join(tmp, 'state');
  await mkdir(stateDir, { recursive: true });
  const sandboxDir = join(tmp, 'cloud');
  const plugins = await prepareSandboxPlugins(tmp);
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName, projectName: 'sandbox-engine-test', program: makeProgram(settings) },
    {
      pulumiCommand: engine.command,
      workDir: join(tmp, 'work'),
      envVars: {
        ...engine.env,
        PULUMI_CONFIG_PASSPHRASE: 'test',
        BLKSHP_SANDBOX_DIR: sandboxDir,
        // Only the project's sandbox plugins may answer: a stray real provider must not.
        PULUMI_IGNORE_AMBIENT_PLUGINS: 'true',
      },
      projectSettings: {
        name: 'sandbox-engine-test',
        runtime: 'nodejs',
        backend: { url: `file://${stateDir}` },
        ...{ plugins: { providers: plugins } },
      },
    },
  );
  return { stack, sandboxDir };
}

async function timed<T>(label: string, timings: Record<string, number>, run: () => Promise<T>) {
  const started = performance.now();
  try {
    return await run();
  } finally {
    timings[label] = Math.round(performance.now() - started);
  }
}

describe('the sandbox cloud under the real engine', () => {
  it('previews, applies, shows drift, updates and replaces, and destroys', async () => {
    const tmp = await mkdtemp(join(tmpdir(), 'blkshp-sandbox-engine-'));
    await mkdir(join(tmp, 'work'), { recursive: true });
    const stackName = `sandbox-${Date.now().toString(36)}-${process.pid}`;
    const settings: Settings = { dropletSize: 's-1vcpu-1gb', dropletRegion: 'nyc3' };
    const timings: Record<string, number> = {};
    let stack: Stack | undefined;
    try {
      const opened = await openSandboxStack(tmp, stackName, settings);
      stack = opened.stack;
      const { sandboxDir } = opened;
      const s = stack;

      // First preview: everything is a create.
      const first = recorder('sandbox-first.preview.json');
      const preview = await timed('preview', timings, () => s.preview({ onEvent: first.onEvent }));
      await first.save();
      expect(changed(preview)).toEqual({ create: 7 });

      // Up: ids and computed attributes in each cloud's format.
      const up = await timed('up', timings, () => s.up());
      expect(up.summary.result).toBe('succeeded');
      expect(up.outputs.dropletIp?.value).toMatch(/^203\.0\.113\.\d+$/);
      const computeApi = 'https://www.googleapis.com/compute/v1/projects/blkshp-sandbox';
      expect(up.outputs.instanceLink?.value).toMatch(
        new RegExp(`^${computeApi}/zones/us-central1-a/instances/app-[0-9a-f]{7}$`),
      );
      expect(up.outputs.securityGroupId?.value).toMatch(/^sg-0[0-9a-f]{16}$/);
      expect(up.outputs.bucketArn?.value).toMatch(/^arn:aws:s3:::backups-[0-9a-f]{7}$/);
      expect(await listSandboxResources(sandboxDir, stackName)).toHaveLength(6);

      // No drift right after an up.
      const clean = await timed('previewRefresh', timings, () =>
        s.previewRefresh({ expectNoChanges: true }),
      );
      expect(changed(clean)).toEqual({});

      // Someone changes the cloud by hand: port 22 opened, droplet resized, lifecycle rule gone.
      await changeSandboxResource(
        sandboxDir,
        stackName,
        { name: 'web-fw' },
        {
          'inboundRules.+': { protocol: 'tcp', portRange: '22', sourceAddresses: ['0.0.0.0/0'] },
        },
      );
      await changeSandboxResource(
        sandboxDir,
        stackName,
        { type: 'digitalocean:Droplet', name: 'web' },
        { size: 's-2vcpu-4gb' },
      );
      await changeSandboxResource(sandboxDir, stackName, { name: 'backups-lifecycle' }, {}, [
        'rules.0',
      ]);
      const drift = recorder('sandbox-drift.preview-refresh.json');
      const drifted = await s.previewRefresh({ onEvent: drift.onEvent });
      await drift.save();
      expect(changed(drifted)).toEqual({ update: 3 });
      expect(opsByName(drift.events, 'resOutputsEvent')).toMatchObject({
        web: ['update'],
        'web-fw': ['update'],
        'backups-lifecycle': ['update'],
      });
      expect(driftDiffs(drift.events)).toEqual({
        web: { size: 'update' },
        'web-fw': { 'inboundRules[1]': 'add' },
        'backups-lifecycle': { 'rules[0]': 'delete' },
      });

      // Accept the drift into state, then move the program: a resize updates in place, a region
      // change replaces the droplet (and updates the firewall that points at it).
      await s.refresh();
      settings.dropletSize = 's-4vcpu-8gb';
      const resize = recorder('do-droplet-resize.preview.json');
      const resized = await s.preview({ onEvent: resize.onEvent });
      await resize.save();
      expect(opsByName(resize.events).web).toEqual(['update']);
      expect(changed(resized).replace).toBeUndefined();

      settings.dropletRegion = 'ams3';
      const move = recorder('do-droplet-region.preview.json');
      const moved = await s.preview({ onEvent: move.onEvent });
      await move.save();
      expect(changed(moved)).toMatchObject({ replace: 1 });
      expect(opsByName(move.events).web).toContain('replace');
      const replaceEvent = move.events.find((e) => e.resourcePreEvent?.metadata.op === 'replace')
        ?.resourcePreEvent?.metadata;
      expect(replaceEvent?.keys).toEqual(['region']);

      const applied = await timed('up (replace)', timings, () => s.up());
      expect(applied.summary.result).toBe('succeeded');
      const droplets = (await listSandboxResources(sandboxDir, stackName)).filter(
        (r) => r.name === 'web',
      );
      expect(droplets).toHaveLength(1);
      expect(droplets[0]?.inputs).toMatchObject({ region: 'ams3', size: 's-4vcpu-8gb' });

      // Destroy leaves the sandbox empty.
      await timed('destroy', timings, () => s.destroy());
      expect(await listSandboxResources(sandboxDir, stackName)).toEqual([]);
      console.info(`sandbox engine timings (ms): ${JSON.stringify(timings)}`);
    } finally {
      await stack?.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
      await rm(tmp, { recursive: true, force: true });
    }
  }, 600_000);
});

/** The detailed diff (path -> kind) that a refresh reports per changed resource. */
function driftDiffs(events: EngineEvent[]): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const e of events) {
    const meta = e.resOutputsEvent?.metadata;
    if (meta?.op !== 'update') continue;
    const name = meta.urn.split('::').at(-1) ?? meta.urn;
    out[name] = Object.fromEntries(
      Object.entries(meta.detailedDiff ?? {}).map(([path, d]) => [path, d.diffKind]),
    );
  }
  return out;
}
