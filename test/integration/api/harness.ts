/**
 * The API on a real socket around the real control plane (SQLite, sandbox cloud, real engine),
 * with real tokens from infra/tokens. `close` stops the server first, then the control plane.
 */
import { createApiApp } from '../../../api/app.ts';
import { type RunningServer, startHttpServer } from '../../../api/server.ts';
import { createToken, verifyToken } from '../../../infra/tokens/index.ts';
import { createTestControlPlane, type TestControlPlane } from '../../support/control-plane.ts';

export interface ApiUnderTest {
  tcp: TestControlPlane;
  server: RunningServer;
  tokens: { read: string; plan: string; apply: string };
  close(): Promise<void>;
}

export async function startApiUnderTest(): Promise<ApiUnderTest> {
  // No policy pack: these tests are about the HTTP path; the control plane's own tests run it.
  const tcp = await createTestControlPlane({ policyPackDir: null });
  let server: RunningServer | undefined;
  try {
    const tokens = {
      read: (await createToken(tcp.repo, 'dashboard', ['read'])).secret,
      plan: (await createToken(tcp.repo, 'onboarding', ['plan'])).secret,
      apply: (await createToken(tcp.repo, 'deployer', ['apply'])).secret,
    };
    const app = createApiApp({
      controlPlane: tcp.controlPlane,
      verifyToken: (presented) => verifyToken(tcp.repo, presented),
      logger: tcp.logger,
      sandboxMode: true,
      version: 'integration',
      readiness: async () => ({ database: { ok: true } }),
    });
    server = await startHttpServer({ app, host: '127.0.0.1', port: 0 });
    const running = server;
    return {
      tcp,
      server: running,
      tokens,
      async close() {
        try {
          await running.close();
        } finally {
          await tcp.close();
        }
      },
    };
  } catch (error) {
    await server?.close();
    await tcp.close();
    throw error;
  }
}

export interface StreamedEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Follows an SSE stream to its end and returns every event it carried. */
export async function followEvents(url: string, token: string): Promise<StreamedEvent[]> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
  const text = await res.text();
  const events: StreamedEvent[] = [];
  for (const block of text.split('\n\n')) {
    const lines = block.split('\n');
    const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
    const data = lines
      .filter((l) => l.startsWith('data: '))
      .map((l) => l.slice(6))
      .join('\n');
    if (event !== undefined && data !== '') events.push({ event, data: JSON.parse(data) });
  }
  return events;
}
