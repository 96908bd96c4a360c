import { request } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startLocalS3 } from '../../support/s3-server.ts';
import { withTempDir } from '../../support/temp-dir.ts';

// s3rver lets requests without credentials through, so plain HTTP is enough here.
function put(port: number, path: string, body: Buffer, sendBytes = body.length): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      method: 'PUT',
      path,
      headers: { 'content-length': body.length, 'content-type': 'application/json' },
    });
    req.on('error', (err) => (sendBytes < body.length ? resolve() : reject(err)));
    req.on('response', (res) => {
      res.resume();
      res.on('end', () =>
        res.statusCode === 200 ? resolve() : reject(new Error(`PUT ${res.statusCode}`)),
      );
    });
    if (sendBytes === body.length) {
      req.end(body);
      return;
    }
    // A client that dies mid-body: half the bytes, then the connection is gone.
    req.write(body.subarray(0, sendBytes), () => setTimeout(() => req.destroy(), 100));
  });
}

/** The stored object's version and size, so that a failure prints two numbers, not 64 KB. */
async function get(port: number, path: string): Promise<{ version: unknown; bytes: number }> {
  const text = await (await fetch(`http://127.0.0.1:${port}${path}`)).text();
  let version: unknown = 'not JSON';
  try {
    version = JSON.parse(text).version;
  } catch {}
  return { version, bytes: text.length };
}

describe('the local S3-compatible server used by the state tests', () => {
  it('keeps the previous object whole when a client dies in the middle of a PUT, as S3 does', async () => {
    await withTempDir('s3-atomic', async (dir) => {
      const s3 = await startLocalS3(join(dir, 's3'));
      try {
        const path = '/blkshp-state/stack.json';
        const first = Buffer.from(JSON.stringify({ version: 1, pad: 'a'.repeat(64_000) }));
        await put(s3.port, path, first);
        expect(await get(s3.port, path)).toEqual({ version: 1, bytes: first.length });

        const second = Buffer.from(JSON.stringify({ version: 2, pad: 'b'.repeat(64_000) }));
        await put(s3.port, path, second, 1_000);
        await new Promise((r) => setTimeout(r, 200));
        expect(await get(s3.port, path)).toEqual({ version: 1, bytes: first.length });

        await put(s3.port, path, second);
        expect(await get(s3.port, path)).toEqual({ version: 2, bytes: second.length });
      } finally {
        await s3.stop();
      }
    });
  });
});
