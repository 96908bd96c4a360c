// The few parts of s3rver (which ships no types) that the tests use.
declare module 's3rver' {
  import type { AddressInfo } from 'node:net';

  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory?: string;
    configureBuckets?: Array<{ name: string; configs: unknown[] }>;
  }

  /** An object on its way into the store: the body is a Buffer or the request stream. */
  export interface S3rverObject {
    bucket: string;
    key: string;
    content: unknown;
    metadata: Record<string, string>;
  }

  /** s3rver's file store; `putObject` is replaced to make writes whole (see s3-server.ts). */
  interface FilesystemStore {
    getResourcePath(bucket: string, key: string, resource: string): string;
    putMetadata(bucket: string, key: string, metadata: object, md5: string): Promise<void>;
    putObject(object: S3rverObject): Promise<{ size: number; md5: string }>;
  }

  export default class S3rver {
    constructor(options: S3rverOptions);
    readonly store: FilesystemStore;
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
  }
}
