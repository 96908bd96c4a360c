import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createSlackBotFromSettings, slackConfigured } from '../../../bot/app.ts';
import type { SlackSettings } from '../../../infra/settings/settings.ts';
import { FakeControlPlane } from '../../support/fake-control-plane.ts';

const base: SlackSettings = {
  signingSecret: null,
  botToken: null,
  appToken: null,
  socketMode: false,
  roles: {},
  apiUrl: null,
};

describe('slackConfigured', () => {
  it.each<[string, SlackSettings | null, boolean]>([
    ['no Slack settings', null, false],
    ['a signing secret alone', { ...base, signingSecret: 's' }, false],
    ['HTTP mode with token and secret', { ...base, signingSecret: 's', botToken: 'xoxb-1' }, true],
    ['Socket Mode without an app token', { ...base, socketMode: true, botToken: 'xoxb-1' }, false],
    [
      'Socket Mode with an app token',
      { ...base, socketMode: true, botToken: 'xoxb-1', appToken: 'xapp-1' },
      true,
    ],
  ])('%s: %s', (_, slack, expected) => {
    expect(slackConfigured({ slack })).toBe(expected);
  });
});

describe('createSlackBotFromSettings', () => {
  it('keeps the bot off with one log line when Slack is not configured', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const bot = createSlackBotFromSettings({
      settings: { slack: null },
      controlPlane: new FakeControlPlane(),
      logger: pino({ level: 'info' }, sink),
    });
    expect(bot).toBeNull();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('Slack bot off');
  });

  it('builds an HTTP-mode bot with a fetch handler that answers 503 until started', async () => {
    const bot = createSlackBotFromSettings({
      settings: { slack: { ...base, signingSecret: 's', botToken: 'xoxb-1' } },
      controlPlane: new FakeControlPlane(),
      logger: pino({ level: 'silent' }),
    });
    expect(bot?.handler).toBeDefined();
    const response = await bot!.handler!(new Request('http://x/slack/events', { method: 'POST' }));
    expect(response.status).toBe(503);
  });
});
