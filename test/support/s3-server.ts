/**
 * A local S3-compatible server (s3rver) on 127.0.0.1 with one bucket, for testing Pulumi's
 * object-storage state backend without a cloud. Stop it in `finally`/`afterAll`.
 */
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import S3rver from 's3rver';

export interface LocalS3 {
  /** A Pulumi backend URL for the bucket on this server. */
  backendUrl: string;
  /** The credentials the engine needs (s3rver's fixed test pair). */
  env: Record<string, string>;
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
  const { port } = (await server.run()) as AddressInfo;
  const query = `endpoint=127.0.0.1:${port}&disableSSL=true&s3ForcePathStyle=true&region=us-east-1`;
  return {
    backendUrl: `s3://${bucket}?${query}`,
    env: { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1' },
    bucketDir: join(dir, bucket),
    stop: () => server.close(),
  };
}
