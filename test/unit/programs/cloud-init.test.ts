import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TIER_NAMES } from '../../../infra/tiers/catalog.ts';
import { type Run, runProgram, specFor } from './harness.ts';

const CLOUDS = ['digitalocean', 'gcp', 'aws'] as const;
let dir = '';

beforeAll(() => {
  // CI installs these from Debian's packages through scripts/ensure-test-tools.sh.
  execFileSync('bash', ['scripts/ensure-test-tools.sh'], { stdio: 'inherit' });
  dir = mkdtempSync(join(tmpdir(), 'blkshp-cloud-init-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The user data of every VM of one property. */
function documents(run: Run): { name: string; text: string }[] {
  return run.resources.flatMap((r) => {
    const metadata = r.inputs.metadata as Record<string, unknown> | undefined;
    const text = r.inputs.userData ?? metadata?.['user-data'];
    return typeof text === 'string' ? [{ name: r.name, text }] : [];
  });
}

/** The `content: |` blocks of write_files that are shell scripts, by path. */
function scripts(doc: string): { path: string; body: string }[] {
  const found: { path: string; body: string }[] = [];
  const lines = doc.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const path = /^ {2}- path: (.+)$/.exec(lines[i] ?? '')?.[1];
    if (!path) continue;
    let j = i + 1;
    while (j < lines.length && lines[j] !== '    content: |') j++;
    const body: string[] = [];
    for (j++; j < lines.length && (lines[j] === '' || lines[j]?.startsWith('      ')); j++) {
      body.push((lines[j] ?? '').slice(6));
    }
    if (body[0]?.startsWith('#!/bin/bash')) found.push({ path, body: body.join('\n') });
  }
  return found;
}

const CASES = CLOUDS.flatMap((cloud) => TIER_NAMES.map((tier) => ({ cloud, tier })));

describe('cloud-init documents', () => {
  it.each(CASES)(
    'pass cloud-init schema and shellcheck on $cloud $tier',
    async (c) => {
      const run = await runProgram(specFor(c.cloud, c.tier));
      const docs = documents(run);
      expect(docs.length).toBeGreaterThan(0);
      for (const doc of docs) {
        const file = join(dir, `${c.cloud}-${c.tier}-${doc.name}.yaml`);
        writeFileSync(file, doc.text);
        const schema = spawnSync('cloud-init', ['schema', '--config-file', file], {
          encoding: 'utf8',
        });
        expect({
          doc: doc.name,
          out: schema.stdout + schema.stderr,
          status: schema.status,
        }).toEqual({
          doc: doc.name,
          out: expect.stringContaining('Valid'),
          status: 0,
        });
        const shell = scripts(doc.text);
        expect(shell.map((s) => s.path)).toContain('/usr/local/sbin/blkshp-bootstrap');
        for (const script of shell) {
          const check = spawnSync('shellcheck', ['-s', 'bash', '-'], {
            input: script.body,
            encoding: 'utf8',
          });
          expect({ script: script.path, out: check.stdout }).toEqual({
            script: script.path,
            out: '',
          });
        }
      }
    },
    60_000,
  );

  it('configures MariaDB with the settings Frappe needs on a database VM', async () => {
    const run = await runProgram(specFor('gcp', 'standard'));
    const db = documents(run).find((d) => d.name === 'db');
    expect(db?.text).toContain('character-set-server = utf8mb4');
    expect(db?.text).toContain('collation-server = utf8mb4_unicode_ci');
    expect(db?.text).toContain('character-set-client-handshake = FALSE');
    expect(db?.text).toContain('max_allowed_packet = 256M');
    // Two thirds of the 8 GB machine.
    expect(db?.text).toContain('innodb_buffer_pool_size = 5461M');
  });

  it('hardens sshd to keys only and schedules backups and the ping health check', async () => {
    const run = await runProgram(specFor('digitalocean', 'starter'));
    const [app] = documents(run);
    expect(app?.text).toContain('PasswordAuthentication no');
    expect(app?.text).toContain('PermitRootLogin no');
    expect(app?.text).toContain('ssh_pwauth: false');
    expect(app?.text).toContain('0 */6 * * * root blkshp-backup');
    expect(app?.text).toContain('/api/method/ping');
    expect(app?.text).toContain('certbot');
  });
});
