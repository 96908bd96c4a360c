import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DriftNotification } from '../../../infra/drift/model.ts';
import { signWebhook, verifyWebhookSignature } from '../../../infra/drift/webhook-signature.ts';
import {
  loggableTarget,
  parseWebhookTargets,
  WebhookNotifier,
} from '../../../infra/drift/webhooks.ts';
import { SqliteRepository } from '../../../infra/storage/sqlite.ts';

const logger = pino({ level: 'silent' });
const SECRET = 'unit-test-webhook-secret-42';

const event: DriftNotification = {
  id: 'evt-1',
  type: 'drift.detected',
  property: 'grand-hotel',
  operationId: 'op-1',
  checkedAt: '2025-01-01T00:00:00.000Z',
  status: 'drifted',
  previousStatus: 'in-sync',
  resources: [],
  error: null,
};

describe('webhook signatures', () => {
  const now = new Date('2025-01-01T00:00:00Z');
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const body = '{"hello":"world"}';
  const signature = signWebhook(SECRET, timestamp, body);

  it('signs "<timestamp>.<body>" as v1=<hex HMAC-SHA256>', () => {
    expect(signature).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature({ secret: SECRET, body, timestamp, signature, now })).toBe(true);
  });

  it.each([
    ['another secret', { secret: 'another-secret-entirely' }],
    ['a changed body', { body: '{"hello":"World"}' }],
    ['a changed timestamp', { timestamp: String(Number(timestamp) + 1) }],
    ['a stale timestamp', { now: new Date(now.getTime() + 301_000) }],
    ['a missing signature', { signature: undefined }],
    ['a truncated signature', { signature: signature.slice(0, 20) }],
    ['a non-numeric timestamp', { timestamp: '1e9' }],
  ])('rejects %s', (_label, change) => {
    expect(
      verifyWebhookSignature({ secret: SECRET, body, timestamp, signature, now, ...change }),
    ).toBe(false);
  });
});

describe('BLKSHP_WEBHOOKS', () => {
  it('reads a JSON array of url and secret; unset or empty means none', () => {
    expect(parseWebhookTargets(undefined)).toEqual([]);
    expect(parseWebhookTargets('  ')).toEqual([]);
    expect(
      parseWebhookTargets(JSON.stringify([{ url: 'https://h.example/x', secret: SECRET }])),
    ).toEqual([{ url: 'https://h.example/x', secret: SECRET }]);
  });

  it.each([
    ['not JSON', '[{url:', 'is not valid JSON'],
    ['not an array', '{"url":"https://a.example"}', 'the value'],
    ['a bad URL', JSON.stringify([{ url: 'hooks', secret: SECRET }]), '[0].url'],
    ['a non-http URL', JSON.stringify([{ url: 'ftp://a.example', secret: SECRET }]), '[0].url'],
    [
      'a short secret',
      JSON.stringify([{ url: 'https://a.example', secret: 'hunter2' }]),
      '[0].secret',
    ],
  ])('rejects %s with a clear error that never echoes the secret', (_label, raw, where) => {
    let error: unknown;
    try {
      parseWebhookTargets(raw);
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: 'BLKSHP_CONFIG_INVALID' });
    const message = (error as Error).message;
    expect(message).toContain('BLKSHP_WEBHOOKS');
    expect(message).toContain(where);
    expect(message).not.toContain('hunter2');
    expect(message).not.toContain(SECRET);
  });

  it('keeps credentials and query strings out of the delivery log', () => {
    expect(loggableTarget('https://user:pw@h.example:8443/in?token=abc#x')).toBe(
      'https://h.example:8443/in',
    );
  });
});

describe('WebhookNotifier against a local HTTP server', () => {
  let server: Server;
  let url: string;
  let statuses: number[];
  let hits: Array<{ body: string; headers: Record<string, string | string[] | undefined> }>;
  let repo: SqliteRepository;

  beforeEach(async () => {
    statuses = [];
    hits = [];
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        hits.push({ body, headers: req.headers });
        res.writeHead(statuses.shift() ?? 204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook?token=abc`;
    repo = await SqliteRepository.open(':memory:');
    await repo.migrate();
  });

  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
    await repo.close();
  });

  function notifier(sleeps: number[], targetUrl = url) {
    return new WebhookNotifier({
      targets: [{ url: targetUrl, secret: SECRET }],
      repo,
      logger,
      maxAttempts: 4,
      baseDelayMs: 100,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
  }

  it('retries 503 and 429 with exponential backoff, then logs the delivery', async () => {
    statuses = [503, 429];
    const sleeps: number[] = [];
    await notifier(sleeps).notify(event);

    expect(hits).toHaveLength(3);
    expect(sleeps).toEqual([100, 200]);
    for (const hit of hits) {
      expect(hit.headers['content-type']).toBe('application/json');
      expect(hit.headers['x-blkshp-event-id']).toBe('evt-1');
      const verified = verifyWebhookSignature({
        secret: SECRET,
        body: hit.body,
        timestamp: hit.headers['x-blkshp-timestamp'] as string,
        signature: hit.headers['x-blkshp-signature'] as string,
      });
      expect(verified).toBe(true);
    }
    expect(JSON.parse(hits[0]?.body ?? '')).toEqual({ version: 1, ...event });
    expect(await repo.listWebhookDeliveries()).toEqual([
      expect.objectContaining({
        eventId: 'evt-1',
        eventType: 'drift.detected',
        target: url.replace('?token=abc', ''),
        status: 'delivered',
        attempts: 3,
        lastStatusCode: 204,
        lastError: null,
      }),
    ]);
  });

  it('gives up at once on a 4xx other than 429', async () => {
    statuses = [410];
    const sleeps: number[] = [];
    await notifier(sleeps).notify(event);
    expect(hits).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(await repo.listWebhookDeliveries()).toEqual([
      expect.objectContaining({ status: 'failed', attempts: 1, lastStatusCode: 410 }),
    ]);
  });

  it('stops after bounded attempts when the receiver is down, keeping the error', async () => {
    const sleeps: number[] = [];
    const port = (server.address() as AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));
    await notifier(sleeps, `http://127.0.0.1:${port}/hook`).notify(event);
    server.listen(0, '127.0.0.1'); // so afterEach can close it
    expect(sleeps).toEqual([100, 200, 400]);
    expect(await repo.listWebhookDeliveries()).toEqual([
      expect.objectContaining({
        status: 'failed',
        attempts: 4,
        lastStatusCode: null,
        lastError: 'ECONNREFUSED',
      }),
    ]);
  });
});
