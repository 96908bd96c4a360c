import type { App, ReceiverEvent } from '@slack/bolt';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { FetchReceiver } from '../../../bot/receiver.ts';
import { signedInit } from '../../support/fake-slack.ts';

const SECRET = 'unit-signing-secret';

function receiverWith(process: (event: ReceiverEvent) => Promise<void>) {
  const receiver = new FetchReceiver({
    signingSecret: SECRET,
    logger: pino({ level: 'silent' }),
    ackTimeoutMs: 100,
  });
  const events: ReceiverEvent[] = [];
  receiver.init({
    processEvent: async (event: ReceiverEvent) => {
      events.push(event);
      await process(event);
    },
  } as unknown as App);
  const send = (body: string, init: Partial<Parameters<typeof signedInit>[1]> = {}) =>
    receiver.handler(
      new Request(
        'http://localhost/slack/events',
        signedInit(body, { signingSecret: SECRET, ...init }),
      ),
    );
  return { receiver, events, send };
}

describe('FetchReceiver', () => {
  it('answers with what the listener passed to ack()', async () => {
    const { send } = receiverWith(async (event) => event.ack({ text: 'hi' }));
    const response = await send('command=%2Fblkshp&text=help');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ text: 'hi' });
  });

  it('does not wait for the listener to finish its work after ack()', async () => {
    const { send } = receiverWith(async (event) => {
      await event.ack();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    });
    const started = Date.now();
    expect((await send('command=%2Fblkshp&text=list')).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('refuses a timestamp more than five minutes in the future', async () => {
    const { send, events } = receiverWith(async (event) => event.ack());
    const future = Math.floor(Date.now() / 1000) + 6 * 60;
    expect((await send('text=help', { timestamp: future })).status).toBe(401);
    expect(events).toHaveLength(0);
  });

  it('answers ssl_check without dispatching anything', async () => {
    const { receiver, events } = receiverWith(async (event) => event.ack());
    const response = await receiver.handler(
      new Request('http://localhost/slack/events', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'ssl_check=1&token=x&payload=%7B%7D',
      }),
    );
    expect(response.status).toBe(200);
    expect(events).toHaveLength(0);
  });

  it('rejects a malformed interaction payload with 400', async () => {
    const { send } = receiverWith(async (event) => event.ack());
    expect((await send('payload=%7Bnot-json')).status).toBe(400);
  });

  it('answers 404 when no listener acknowledges in time, and 500 when one throws first', async () => {
    const silent = receiverWith(() => new Promise(() => {}));
    expect((await silent.send('text=x')).status).toBe(404);
    const failing = receiverWith(async () => {
      throw new Error('boom');
    });
    expect((await failing.send('text=y')).status).toBe(500);
  });

  it('refuses methods other than POST', async () => {
    const { receiver } = receiverWith(async (event) => event.ack());
    const response = await receiver.handler(new Request('http://localhost/slack/events'));
    expect(response.status).toBe(405);
  });
});
