/**
 * A local S3-compatible server (s3rver) on 127.0.0.1 with one bucket, for testing Pulumi's
 * object-storage state backend without a cloud. Stop it in `finally`/`afterAll`.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import S3rver, { type S3rverObject } from 's3rver';

export interface LocalS3 {
  /** A Pulumi backend URL for the bucket on this server. */
  backendUrl: string;
  /** The credentials the engine needs (s3rver's fixed test pair). */
  env: Record<string, string>;
  /** The loopback port it listens on. */
  port: number;
  /** Where s3rver keeps the bucket's objects on disk, to look at them in assertions. */
  bucketDir: string;
  stop(): Promise<void>;
}

export async function startLocalS3(dir: string, bucket = 'blkshp-state'): Promise<LocalS3> {
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: dir,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  storeObjectsWhole(server);
  const { port } = (await server.run()) as AddressInfo;
  const query = `endpoint=127.0.0.1:${port}&disableSSL=true&s3ForcePathStyle=true&region=us-east-1`;
  return {
    backendUrl: `s3://${bucket}?${query}`,
    env: { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1' },
    port,
    bucketDir: join(dir, bucket),
    stop: () => server.close(),
  };
}

/**
 * S3 never stores part of an object: a PUT whose body does not arrive whole fails and the key
 * keeps its previous object, and readers see the old object or the new one. s3rver instead
 * truncates the file as soon as a PUT starts and streams the body into it, so a client killed
 * mid-PUT (a replica SIGKILLed while the engine saves a checkpoint) leaves a cut-off checkpoint
 * that no real bucket would hold. Objects are therefore received whole, written aside and
 * renamed into place, so that the kill tests exercise the service and not s3rver's shortcut.
 */
function storeObjectsWhole(server: S3rver): void {
  const { store } = server;
  store.putObject = async (object: S3rverObject) => {
    // Rejects when the client goes away before the end of the body: nothing is stored then.
    const content = Buffer.isBuffer(object.content)
      ? object.content
      : await buffer(object.content as Readable);
    const path = store.getResourcePath(object.bucket, object.key, 'object');
    await mkdir(dirname(path), { recursive: true });
    // Not named like an object (`._S3rver_object` at the end), so listings never show it.
    const aside = `${path}.${randomUUID()}.partial`;
    try {
      await writeFile(aside, content);
      await rename(aside, path);
    } catch (error) {
      await rm(aside, { force: true });
      throw error;
    }
    const md5 = createHash('md5').update(content).digest('hex');
    await store.putMetadata(object.bucket, object.key, object.metadata, md5);
    return { size: content.length, md5 };
  };
}
