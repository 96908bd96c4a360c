import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, operationLogger } from '../../../infra/logging/logger.ts';
import { loadSettings } from '../../../infra/settings/settings.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, stream };
}

describe('createLogger', () => {
  it('redacts secret settings and secret-named fields', () => {
    const settings = loadSettings({
      DATABASE_URL: 'postgres://u:db-secret@h/d',
      SLACK_BOT_TOKEN: 'xoxb-bot-secret',
      SLACK_SIGNING_SECRET: 'signing-secret',
    });
    const { lines, stream } = capture();
    const log = createLogger(settings, stream);

    log.info({ settings }, 'starting');
    log.warn({ req: { headers: { authorization: 'Bearer blkshp_x_y' } } }, 'rejected');
    log.info({ password: 'pw-secret', user: { token: 'tok-secret' } }, 'oops');

    const text = JSON.stringify(lines);
    expect(text).not.toMatch(/db-secret|bot-secret|signing-secret|blkshp_x_y|pw-secret|tok-secret/);
    expect(lines[0]).toMatchObject({ msg: 'starting', settings: { port: 8080 } });
  });

  it('honours the configured level', () => {
    const { lines, stream } = capture();
    const log = createLogger({ logLevel: 'warn' }, stream);

    log.info('hidden');
    log.warn('shown');

    expect(lines.map((l) => l.msg)).toEqual(['shown']);
  });
});

describe('operationLogger', () => {
  it('tags every line with the operation, property, actor and channel', () => {
    const { lines, stream } = capture();
    const root = createLogger({ logLevel: 'info' }, stream);
    const context = {
      operation: 'op-1',
      property: 'grand-hotel',
      actor: 'slack:U1',
      channel: 'slack:C1',
    };

    operationLogger(root, context).info('engine started');

    expect(lines[0]).toMatchObject({ ...context, msg: 'engine started' });
  });
});
