import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkSshCidr } from '../../../infra/properties/cidr.ts';
import { parsePropertySpec } from '../../../infra/properties/spec.ts';
import { checkSshPublicKey } from '../../../infra/properties/ssh-key.ts';

const ED25519 =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDAAJWKM9pSCcdm9o/yM0UsePCMwxoovQ553DGiNvBu1 ops@blkshp';

/** An OpenSSH line for a fresh RSA key of `bits`, built from the JWK modulus. */
function rsaKey(bits: number): string {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const jwk = publicKey.export({ format: 'jwk' });
  const part = (b: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    return Buffer.concat([len, b]);
  };
  const mpint = (b64: string) => {
    const raw = Buffer.from(b64, 'base64url');
    return (raw[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), raw]) : raw;
  };
  const body = Buffer.concat([
    part(Buffer.from('ssh-rsa')),
    part(mpint(jwk.e ?? '')),
    part(mpint(jwk.n ?? '')),
  ]);
  return `ssh-rsa ${body.toString('base64')} test`;
}

function ecdsaKey(curve: 'P-256' | 'P-384' | 'P-521', name: string): string {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
  // The uncompressed point closes the SPKI structure: 0x04, then X and Y.
  const size = { 'P-256': 32, 'P-384': 48, 'P-521': 66 }[curve];
  const point = publicKey.export({ format: 'der', type: 'spki' }).subarray(-1 - 2 * size);
  const part = (b: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    return Buffer.concat([len, b]);
  };
  const body = Buffer.concat([
    part(Buffer.from(`ecdsa-sha2-${name}`)),
    part(Buffer.from(name)),
    part(point),
  ]);
  return `ecdsa-sha2-${name} ${body.toString('base64')}`;
}

const VALID = {
  slug: 'grand-hotel',
  name: 'Grand Hotel',
  cloud: 'aws',
  region: 'eu-west-1',
  tier: 'standard',
  domain: 'erp.grandhotel.com',
  adminCidrs: ['203.0.113.0/24', '2001:db8::/48'],
  sshPublicKeys: [ED25519],
  alertEmails: ['ops@grandhotel.com'],
};

function issuesOf(patch: Record<string, unknown>) {
  const result = parsePropertySpec({ ...VALID, ...patch });
  return result.ok ? [] : result.issues;
}

describe('parsePropertySpec', () => {
  it('accepts a valid spec and fills the defaults', () => {
    const result = parsePropertySpec(VALID);
    expect(result).toMatchObject({
      ok: true,
      spec: { pci: false, backupRetentionDays: 14, frappeVersion: 'v15.45.0' },
    });
  });

  it.each([
    ['slug', { slug: 'Grand' }],
    ['slug', { slug: 'ab' }],
    ['slug', { slug: '1hotel' }],
    ['slug', { slug: 'hotel-' }],
    ['slug', { slug: 'a'.repeat(41) }],
    ['name', { name: '' }],
    ['cloud', { cloud: 'azure' }],
    ['region', { region: 'nyc3' }],
    ['tier', { tier: 'premium' }],
    ['domain', { domain: 'grandhotel.com' }],
    ['domain', { domain: 'erp..grandhotel.com' }],
    ['domain', { domain: '-erp.grandhotel.com' }],
    ['adminCidrs.0', { adminCidrs: ['0.0.0.0/0'] }],
    ['adminCidrs.0', { adminCidrs: ['::/0'] }],
    ['adminCidrs.0', { adminCidrs: ['203.0.113.7'] }],
    ['adminCidrs.0', { adminCidrs: ['203.0.113.7/24'] }],
    ['adminCidrs.0', { adminCidrs: ['300.0.0.0/8'] }],
    ['adminCidrs.0', { adminCidrs: ['10.0.0.0/4'] }],
    ['adminCidrs.0', { adminCidrs: ['2001:db8::1/48'] }],
    ['sshPublicKeys.0', { sshPublicKeys: ['ssh-dss AAAAB3NzaC1kc3M='] }],
    ['sshPublicKeys.0', { sshPublicKeys: ['ssh-ed25519 not-base64!'] }],
    ['sshPublicKeys.0', { sshPublicKeys: [`ssh-rsa ${ED25519.split(' ')[1]}`] }],
    ['sshPublicKeys.0', { sshPublicKeys: [rsaKey(2048)] }],
    ['sshPublicKeys', { sshPublicKeys: [] }],
    ['alertEmails', { alertEmails: [] }],
    ['alertEmails.0', { alertEmails: ['not-an-email'] }],
    ['pci', { pci: 'yes' }],
    ['pci', { pci: true, tier: 'starter' }],
    ['backupRetentionDays', { backupRetentionDays: 13 }],
    ['backupRetentionDays', { backupRetentionDays: 7.5 }],
    ['frappeVersion', { frappeVersion: 'v14.2.0' }],
    ['frappeVersion', { frappeVersion: 'latest' }],
    ['(spec)', { extra: true }],
  ])('refuses a bad %s', (field, patch) => {
    expect(issuesOf(patch).map((i) => i.field)).toContain(field);
  });

  it('reports every problem at once, each with its field and rule', () => {
    const result = parsePropertySpec({
      slug: 'X',
      cloud: 'gcp',
      region: 'us-east-1',
      tier: 'enterprise',
      domain: 'nope',
      adminCidrs: ['0.0.0.0/0', '10.0.0.1/8'],
      sshPublicKeys: [ED25519],
      alertEmails: ['x'],
      backupRetentionDays: 30,
    });
    expect(result.ok).toBe(false);
    const issues = result.ok ? [] : result.issues;
    expect(issues.map((i) => i.field).sort()).toEqual(
      [
        'adminCidrs.0',
        'adminCidrs.1',
        'alertEmails.0',
        'backupRetentionDays',
        'domain',
        'name',
        'region',
        'slug',
      ].sort(),
    );
    expect(issues.find((i) => i.field === 'backupRetentionDays')?.message).toBe(
      'must be at least 35 days on the enterprise tier',
    );
    expect(issues.find((i) => i.field === 'adminCidrs.1')?.message).toContain('10.0.0.0/8');
  });

  it('keeps SSH closed when no admin ranges are given', () => {
    expect(issuesOf({ adminCidrs: [], sshPublicKeys: [] })).toEqual([]);
  });
});

describe('SSH public keys', () => {
  it.each([
    ['ed25519', ED25519],
    ['ecdsa P-256', ecdsaKey('P-256', 'nistp256')],
    ['RSA 3072', rsaKey(3072)],
  ])('accepts a %s key', (_label, key) => {
    expect(checkSshPublicKey(key)).toMatchObject({ ok: true });
  });

  it('refuses RSA keys shorter than 3072 bits, naming the size', () => {
    expect(checkSshPublicKey(rsaKey(2048))).toEqual({
      ok: false,
      reason: 'RSA key has 2048 bits; at least 3072 required',
    });
  });
});

describe('SSH CIDRs', () => {
  it.each(['203.0.113.7/32', '10.0.0.0/8', '2001:db8::/32', '::ffff:192.0.2.0/120'])(
    'accepts %s',
    (cidr) => expect(checkSshCidr(cidr)).toMatchObject({ ok: true }),
  );
});
