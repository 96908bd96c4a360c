/**
 * Puts the app on a TCP port with @hono/node-server. `port: 0` picks a free port (tests).
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';

export interface HttpServerOptions {
  // biome-ignore lint/suspicious/noExplicitAny: any Hono app, whatever its env and schema
  app: Hono<any, any, any>;
  host: string;
  port: number;
}

export interface RunningServer {
  /** Where it listens, e.g. `http://127.0.0.1:43121`. */
  url: string;
  port: number;
  /** Stops accepting connections and closes the open ones (SSE streams included). */
  close(): Promise<void>;
}

export function startHttpServer(options: HttpServerOptions): Promise<RunningServer> {
  const { app, host, port } = options;
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port }, (info: AddressInfo) => {
      server.off('error', reject);
      const shownHost = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${shownHost}:${info.port}`,
        port: info.port,
        close: () => closeServer(server),
      });
    });
    server.once('error', reject);
  });
}

function closeServer(server: ReturnType<typeof serve>): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // Long-lived SSE connections would otherwise keep close() waiting forever.
    if ('closeAllConnections' in server) server.closeAllConnections();
  });
}
