import { describe, expect, it } from 'vitest';
import { REDACTED, Redactor } from '../../../infra/changes/redact.ts';

describe('Redactor', () => {
  const redactor = new Redactor(['s3cr3t-db-password', 'fernet-key-value=', 'abc']);

  it('replaces every known secret inside strings, however deep', () => {
    const value = {
      userData: 'DB_PASSWORD=s3cr3t-db-password\nKEY=fernet-key-value=',
      list: [{ note: 'again s3cr3t-db-password' }],
    };
    expect(redactor.value(value)).toEqual({
      userData: `DB_PASSWORD=${REDACTED}\nKEY=${REDACTED}`,
      list: [{ note: `again ${REDACTED}` }],
    });
  });

  it('replaces values carrying the engine secret signature', () => {
    const secret = {
      '4dabf18193072939515e22adb298388d': '1b47061264138c4ac30d75fd1eb44270',
      value: 'plain',
    };
    expect(redactor.value({ password: secret })).toEqual({ password: REDACTED });
  });

  it('ignores secrets too short to search for safely', () => {
    expect(redactor.text('abc is fine')).toBe('abc is fine');
  });

  it('prefers the longest secret when one contains another', () => {
    const nested = new Redactor(['password1', 'password1-and-more']);
    expect(nested.text('x password1-and-more y')).toBe(`x ${REDACTED} y`);
  });
});
