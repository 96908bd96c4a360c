import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteRepository } from '../../../infra/storage/sqlite.ts';
import {
  createToken,
  hasScope,
  TOKEN_SCOPES,
  type TokenScope,
  verifyToken,
} from '../../../infra/tokens/tokens.ts';

describe('API tokens', () => {
  let dir: string;
  let repo: SqliteRepository;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'blkshp-tokens-'));
    repo = await SqliteRepository.open(join(dir, 'db.sqlite'));
    await repo.migrate();
  });

  afterEach(async () => {
    await repo.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('createToken returns blkshp_<id>_<secret> and stores only a hash of the secret', async () => {
    const { id, secret } = await createToken(repo, 'onboarding', ['plan']);

    expect(secret).toMatch(new RegExp(`^blkshp_${id}_[A-Za-z0-9_-]{43}$`));
    const [stored] = await repo.listTokens();
    expect(stored).toMatchObject({ id, name: 'onboarding', scopes: ['plan'], revokedAt: null });
    expect(stored?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(secret.slice(-43));
  });

  it('verifyToken returns the record for the token it created and records the use', async () => {
    const { id, secret } = await createToken(repo, 'ci', ['apply']);

    const record = await verifyToken(repo, secret);

    expect(record).toMatchObject({ id, name: 'ci', scopes: ['apply'] });
    expect(record?.lastUsedAt).not.toBeNull();
    expect((await repo.listTokens())[0]?.lastUsedAt).toBe(record?.lastUsedAt);
  });

  it('verifyToken records a use at most once a minute, not on every request', async () => {
    const { secret } = await createToken(repo, 'ci', ['read']);
    let touches = 0;
    const counting = {
      findTokenByHash: (hash: string) => repo.findTokenByHash(hash),
      touchToken: async (id: string, at: string) => {
        touches++;
        await repo.touchToken(id, at);
      },
    };
    for (let i = 0; i < 5; i++) expect(await verifyToken(counting, secret)).not.toBeNull();
    expect(touches).toBe(1);
  });

  it('verifyToken returns null for a revoked token', async () => {
    const { id, secret } = await createToken(repo, 'ci', ['read']);
    await repo.revokeToken(id, new Date().toISOString());

    expect(await verifyToken(repo, secret)).toBeNull();
  });

  it('verifyToken returns null when the id does not belong to the secret', async () => {
    const a = await createToken(repo, 'a', ['read']);
    const b = await createToken(repo, 'b', ['admin']);
    const forged = `blkshp_${a.id}_${b.secret.split('_').slice(2).join('_')}`;

    expect(await verifyToken(repo, forged)).toBeNull();
  });

  it.each([
    '',
    'blkshp_',
    'Bearer blkshp_0123456789abcdef_x',
    'blkshp_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    'ghp_0123456789abcdef0123456789abcdef01234567',
  ])('verifyToken returns null for %j', async (presented) => {
    await createToken(repo, 'ci', ['read']);
    expect(await verifyToken(repo, presented)).toBeNull();
  });

  it.each([
    [['read'], ' ', 'name'],
    [[], 'ci', 'scopes'],
    [['read', 'root'], 'ci', 'scopes.1'],
  ])('createToken refuses scopes %j with name %j', async (scopes, name, field) => {
    await expect(createToken(repo, name, scopes)).rejects.toMatchObject({
      code: 'BLKSHP_INVALID_INPUT',
      issues: expect.arrayContaining([expect.objectContaining({ field })]),
    });
  });
});

describe('hasScope', () => {
  const implied: Record<TokenScope, TokenScope[]> = {
    read: ['read'],
    plan: ['read', 'plan'],
    apply: ['read', 'plan', 'apply'],
    admin: ['read', 'plan', 'apply', 'admin'],
  };

  it.each(TOKEN_SCOPES)('a %s token has exactly the scopes it implies', (held) => {
    for (const scope of TOKEN_SCOPES) {
      expect(hasScope({ scopes: [held] }, scope)).toBe(implied[held].includes(scope));
    }
  });

  it('ignores scopes it does not know', () => {
    expect(hasScope({ scopes: ['root'] }, 'read')).toBe(false);
  });
});
