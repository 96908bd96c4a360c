import { describe, expect, it } from 'vitest';
import { errorReply, refusalReply } from '../../../bot/replies.ts';
import { BlkshpError, ERROR_CODES, invalidInput } from '../../../infra/errors.ts';

describe('replies', () => {
  it('never shows an internal error message to a Slack user', () => {
    const reply = errorReply(new Error('ECONNREFUSED 10.0.0.5:5432 password=hunter2'));
    expect(reply).not.toContain('hunter2');
    expect(reply).not.toContain('ECONNREFUSED');
    expect(reply).toContain('it has been logged');
  });

  it('shows a BlkshpError with its field issues', () => {
    const reply = errorReply(
      invalidInput('The property spec is not valid', [{ field: 'slug', message: 'is taken' }]),
    );
    expect(reply).toContain('The property spec is not valid');
    expect(reply).toContain('`slug` is taken');
  });

  it('words the two-person rule for the clicker', () => {
    expect(refusalReply('two-person-rule')).toContain('someone other than the requester');
  });

  it('maps every error code to a reply', () => {
    for (const code of Object.values(ERROR_CODES)) {
      expect(errorReply(new BlkshpError(code, 'x'))).toMatch(/^:warning: \S/);
    }
  });
});
