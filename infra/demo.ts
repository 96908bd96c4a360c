/**
 * The sample property that `blkshp demo` and the empty dashboard offer: a DigitalOcean starter
 * stack with documentation-range addresses, meant for the sandbox cloud.
 */
import { generateKeyPairSync } from 'node:crypto';

export const DEMO_SLUG = 'demo-harbour-inn';

export function demoPropertyInput(slug = DEMO_SLUG): Record<string, unknown> {
  return {
    slug,
    name: 'Harbour Inn (demo)',
    cloud: 'digitalocean',
    region: 'nyc3',
    tier: 'starter',
    domain: `${slug}.example.com`,
    adminCidrs: ['203.0.113.0/24'],
    sshPublicKeys: [ed25519PublicKeyLine('demo@blkshp')],
    alertEmails: ['ops@example.com'],
    pci: false,
  };
}

/**
 * A fresh ed25519 public key in OpenSSH's one-line format. The private half is discarded: the
 * demo and the tests need a well-formed key, never a usable one.
 */
export function ed25519PublicKeyLine(comment: string): string {
  const { publicKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const sshString = (data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    return Buffer.concat([length, data]);
  };
  const blob = Buffer.concat([sshString(Buffer.from('ssh-ed25519')), sshString(raw)]);
  return `ssh-ed25519 ${blob.toString('base64')} ${comment}`;
}
