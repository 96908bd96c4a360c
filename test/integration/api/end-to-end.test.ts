/**
 * The whole path through HTTP on the real engine and the sandbox cloud: add a property, follow
 * its first preview to the end over SSE, apply that preview by id, and read the outputs back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testPropertyInput } from '../../support/properties.ts';
import { uniqueName } from '../../support/temp-dir.ts';
import { type ApiUnderTest, followEvents, startApiUnderTest } from './harness.ts';

describe('REST API end to end on the real engine', () => {
  let api: ApiUnderTest;
  const slug = uniqueName('api').slice(0, 30);

  beforeAll(async () => {
    api = await startApiUnderTest();
  });
  afterAll(async () => {
    await api?.close();
  });

  it('adds a property, previews, applies the preview by id and shows the outputs', async () => {
    const { url } = api.server;
    const { plan, apply, read } = api.tokens;

    const created = await fetch(`${url}/v1/properties`, {
      method: 'POST',
      headers: { authorization: `Bearer ${plan}`, 'content-type': 'application/json' },
      body: JSON.stringify(testPropertyInput(slug)),
    });
    expect(created.status).toBe(202);
    const preview = (await created.json()) as { operationId: string; events: string };
    expect(created.headers.get('location')).toBe(`/v1/operations/${preview.operationId}`);

    const previewEvents = await followEvents(`${url}${preview.events}`, read);
    expect(previewEvents[0]?.event).toBe('status');
    expect(previewEvents.some((e) => e.event === 'resource')).toBe(true);
    const previewDone = previewEvents.at(-1);
    expect(previewDone?.event).toBe('finished');
    expect(previewDone?.data).toMatchObject({ status: 'succeeded', changeSet: { sandbox: true } });

    const applied = await fetch(`${url}/v1/operations/${preview.operationId}/apply`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apply}` },
    });
    expect(applied.status).toBe(202);
    const applyOp = (await applied.json()) as { operationId: string; events: string };
    const applyDone = (await followEvents(`${url}${applyOp.events}`, read)).at(-1);
    expect(applyDone?.data).toMatchObject({ status: 'succeeded' });

    const property = await fetch(`${url}/v1/properties/${slug}`, {
      headers: { authorization: `Bearer ${read}` },
    });
    const record = (await property.json()) as { outputs: Record<string, unknown> | null };
    expect(record.outputs?.url).toEqual(expect.stringContaining(slug));

    // The same preview cannot be applied twice.
    const again = await fetch(`${url}/v1/operations/${preview.operationId}/apply`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apply}` },
    });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: 'BLKSHP_CONFLICT' });
  });
});
