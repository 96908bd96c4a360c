import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeDamagedSidecars, withoutSidecars } from '../../../infra/pulumi/file-backend.ts';
import { withTempDir } from '../../support/temp-dir.ts';

describe('withoutSidecars', () => {
  it('asks the file backend not to write metadata sidecars', () => {
    expect(withoutSidecars('file:///var/lib/blkshp/state')).toBe(
      'file:///var/lib/blkshp/state?metadata=skip',
    );
  });

  it('keeps the other parameters of the URL', () => {
    expect(withoutSidecars('file:///srv/state?no_tmp_dir=true')).toBe(
      'file:///srv/state?no_tmp_dir=true&metadata=skip',
    );
  });

  it('leaves a metadata mode the URL chose itself', () => {
    expect(withoutSidecars('file:///srv/state?metadata=skip')).toBe(
      'file:///srv/state?metadata=skip',
    );
  });

  it('leaves object-storage and Pulumi Cloud URLs alone', () => {
    expect(withoutSidecars('s3://bucket?region=us-east-1')).toBe('s3://bucket?region=us-east-1');
    expect(withoutSidecars('https://api.pulumi.com')).toBe('https://api.pulumi.com');
  });
});

describe('removeDamagedSidecars', () => {
  it("removes this stack's empty or unreadable sidecars and keeps the rest", async () => {
    await withTempDir('sidecars', async (dir) => {
      const stacks = join(dir, '.pulumi', 'stacks', 'blkshp-property');
      await mkdir(stacks, { recursive: true });
      const files: Record<string, string> = {
        'hotel-a.json': '{}',
        'hotel-a.json.attrs': '',
        'hotel-a.json.bak.attrs': '{"user.content_type"',
        'hotel-a.json.gz.bak.attrs': 'null',
        'hotel-ab.json.attrs': '',
        'hotel-b.json.attrs': '',
        'hotel-a-spa.json.attrs': '{"md5":"x"}',
      };
      for (const [name, text] of Object.entries(files)) await writeFile(join(stacks, name), text);

      const removed = await removeDamagedSidecars(`file://${dir}`, 'blkshp-property', 'hotel-a');

      expect(removed.sort()).toEqual([
        'hotel-a.json.attrs',
        'hotel-a.json.bak.attrs',
        'hotel-a.json.gz.bak.attrs',
      ]);
      expect((await readdir(stacks)).sort()).toEqual([
        'hotel-a-spa.json.attrs',
        'hotel-a.json',
        'hotel-ab.json.attrs',
        'hotel-b.json.attrs',
      ]);
    });
  });

  it('keeps a sidecar that holds a JSON object', async () => {
    await withTempDir('sidecars', async (dir) => {
      const stacks = join(dir, '.pulumi', 'stacks', 'p');
      await mkdir(stacks, { recursive: true });
      await writeFile(join(stacks, 's.json.attrs'), '{"user.content_type":"application/json"}');
      expect(await removeDamagedSidecars(`file://${dir}?metadata=skip`, 'p', 's')).toEqual([]);
      expect(await readdir(stacks)).toEqual(['s.json.attrs']);
    });
  });

  it('does nothing for a state directory without stacks or a non-file backend', async () => {
    await withTempDir('sidecars', async (dir) => {
      expect(await removeDamagedSidecars(`file://${dir}`, 'p', 's')).toEqual([]);
      expect(await removeDamagedSidecars('s3://bucket', 'p', 's')).toEqual([]);
    });
  });
});
