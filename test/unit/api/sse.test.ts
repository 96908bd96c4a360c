/**
 * The event stream over a real socket: the point is what a client receives, chunk by chunk,
 * and that the server lets go of its subscription when the stream ends or the client leaves.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningServer, startHttpServer } from '../../../api/server.ts';
import { sampleChangeSet } from '../../support/fake-control-plane.ts';
import { auth, buildApp, testPropertyInput } from './harness.ts';

interface SseEvent {
  event: string;
  id: string | undefined;
  data: Record<string, unknown>;
}

/** Reads SSE events off a response body until the stream closes or `until` says stop. */
async function* readEvents(res: Response): AsyncGenerator<SseEvent> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end = buffer.indexOf('\n\n');
      while (end !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf('\n\n');
        const fields = new Map<string, string>();
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) continue;
          const colon = line.indexOf(':');
          fields.set(line.slice(0, colon), line.slice(colon + 1).trimStart());
        }
        if (!fields.has('data')) continue;
        yield {
          event: fields.get('event') ?? 'message',
          id: fields.get('id'),
          data: JSON.parse(fields.get('data')!),
        };
      }
    }
  } finally {
    reader.releaseLock();
  }
}

async function waitFor(check: () => boolean, ms = 2000) {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('operation event stream over a socket', () => {
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function serveFake() {
    const built = buildApp({ sseKeepAliveSeconds: 0.05 });
    built.controlPlane.seedProperty(testPropertyInput('alpha-inn'));
    server = await startHttpServer({ app: built.app, host: '127.0.0.1', port: 0 });
    return { ...built, url: server.url };
  }

  it('replays the status, streams progress, ends with the ChangeSet and closes', async () => {
    const { controlPlane, url } = await serveFake();
    const op = controlPlane.seedOperation('alpha-inn', 'preview', { status: 'running' });
    const res = await fetch(`${url}/v1/operations/${op.id}/events`, {
      headers: auth('read-token'),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(res.headers.get('x-request-id')).toBeTruthy();

    const seen: SseEvent[] = [];
    const events = readEvents(res);
    const first = await events.next();
    seen.push(first.value as SseEvent);
    expect(seen[0]).toMatchObject({ event: 'status', id: '1', data: { status: 'running' } });

    // Another operation's events must not leak into this stream.
    controlPlane.emit({ type: 'log', operationId: 'op_other', property: 'x', line: 'nope' });
    controlPlane.emit({
      type: 'resource',
      operationId: op.id,
      property: 'alpha-inn',
      urn: 'urn:pulumi:alpha-inn::blkshp-property::digitalocean:index/droplet:Droplet::app',
      resourceType: 'digitalocean:index/droplet:Droplet',
      op: 'create',
      phase: 'started',
      done: 0,
      total: 2,
    });
    controlPlane.emit({ type: 'log', operationId: op.id, property: 'alpha-inn', line: 'hello' });
    controlPlane.finish(op.id, 'succeeded', sampleChangeSet('alpha-inn'));

    for await (const event of events) seen.push(event);
    expect(seen.map((e) => e.event)).toEqual(['status', 'resource', 'log', 'finished']);
    expect(seen.map((e) => e.id)).toEqual(['1', '2', '3', '4']);
    expect(seen[3]?.data).toMatchObject({
      type: 'finished',
      operationId: op.id,
      status: 'succeeded',
      changeSet: { counts: { replace: 1, create: 1 } },
    });
    await waitFor(() => controlPlane.listenerCount === 1); // only the metrics subscription
  });

  it('sends the final state at once for an operation that already finished', async () => {
    const { controlPlane, url } = await serveFake();
    const op = controlPlane.seedOperation('alpha-inn', 'apply', {
      status: 'failed',
      error: 'The engine failed; see the operation log',
    });
    const res = await fetch(`${url}/v1/operations/${op.id}/events`, {
      headers: auth('read-token'),
    });
    const seen: SseEvent[] = [];
    for await (const event of readEvents(res)) seen.push(event);
    expect(seen.map((e) => e.event)).toEqual(['status', 'finished']);
    expect(seen[1]?.data).toMatchObject({ status: 'failed', changeSet: null });
  });

  it('unsubscribes when the client goes away, keeping the stream alive until then', async () => {
    const { controlPlane, url } = await serveFake();
    const op = controlPlane.seedOperation('alpha-inn', 'refresh', { status: 'queued' });
    const abort = new AbortController();
    const res = await fetch(`${url}/v1/operations/${op.id}/events`, {
      headers: auth('read-token'),
      signal: abort.signal,
    });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!text.includes(': keep-alive')) text += (await reader.read()).value ?? '';
    expect(controlPlane.listenerCount).toBe(2);
    abort.abort();
    await waitFor(() => controlPlane.listenerCount === 1);
  });

  it('answers 401 and 404 as problems before any stream starts', async () => {
    const { url } = await serveFake();
    const anonymous = await fetch(`${url}/v1/operations/op_1/events`);
    expect(anonymous.status).toBe(401);
    const missing = await fetch(`${url}/v1/operations/op_missing/events`, {
      headers: auth('read-token'),
    });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
  });
});
