import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { allows, createPermissions, type Role } from '../../../bot/permissions.ts';

const logger = pino({ level: 'silent' });

describe('allows', () => {
  it.each<[Role, string, boolean]>([
    ['viewer', 'list', true],
    ['viewer', 'preview', false],
    ['viewer', 'approve', false],
    ['operator', 'preview', true],
    ['operator', 'scale', true],
    ['operator', 'add-property', true],
    ['operator', 'approve', false],
    ['approver', 'approve', true],
    ['approver', 'destroy', false],
    ['approver', 'approve-destroy', false],
    ['admin', 'destroy', true],
    ['admin', 'approve-destroy', true],
  ])('%s may %s: %s', (role, action, expected) => {
    expect(allows(role, action as Parameters<typeof allows>[1])).toBe(expected);
  });
});

describe('createPermissions', () => {
  it('makes unknown users viewers, so changes are denied by default', async () => {
    const permissions = createPermissions({ roles: {}, groupMembers: async () => [], logger });
    expect(await permissions.roleOf('U0NOBODY')).toBe('viewer');
    expect((await permissions.can('U0NOBODY', 'preview')).allowed).toBe(false);
  });

  it('takes the highest role from the user entry and the user groups', async () => {
    const permissions = createPermissions({
      roles: { U0ANN: 'operator', S0OPS: ['approver'], S0ROOT: 'admin' },
      groupMembers: async (group) => (group === 'S0OPS' ? ['U0ANN'] : []),
      logger,
    });
    expect(await permissions.roleOf('U0ANN')).toBe('approver');
  });

  it('caches group members for a while and shares concurrent lookups', async () => {
    let now = 0;
    const groupMembers = vi.fn(async () => ['U0BOB']);
    const permissions = createPermissions({
      roles: { S0OPS: 'approver' },
      groupMembers,
      logger,
      groupCacheMs: 60_000,
      now: () => now,
    });
    await Promise.all([permissions.roleOf('U0BOB'), permissions.roleOf('U0BOB')]);
    expect(groupMembers).toHaveBeenCalledTimes(1);
    now = 59_000;
    await permissions.roleOf('U0BOB');
    expect(groupMembers).toHaveBeenCalledTimes(1);
    now = 61_000;
    await permissions.roleOf('U0BOB');
    expect(groupMembers).toHaveBeenCalledTimes(2);
  });

  it('grants nothing through a group whose members cannot be listed', async () => {
    const permissions = createPermissions({
      roles: { S0OPS: 'admin' },
      groupMembers: async () => {
        throw new Error('missing_scope');
      },
      logger,
    });
    expect(await permissions.roleOf('U0BOB')).toBe('viewer');
  });

  it('ignores unknown role names and malformed ids', async () => {
    const permissions = createPermissions({
      roles: { U0ANN: 'superuser', 'not-an-id': 'admin', U0BEN: ['viewer', 'admin'] },
      groupMembers: async () => [],
      logger,
    });
    expect(await permissions.roleOf('U0ANN')).toBe('viewer');
    expect(await permissions.roleOf('U0BEN')).toBe('admin');
  });
});
