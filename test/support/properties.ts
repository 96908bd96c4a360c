import { ed25519PublicKeyLine } from '../../infra/demo.ts';

/** A valid property spec input for tests; override any field. */
export function testPropertyInput(
  slug: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    slug,
    name: `Test hotel ${slug}`,
    cloud: 'digitalocean',
    region: 'nyc3',
    tier: 'starter',
    domain: `${slug}.example.com`,
    adminCidrs: ['198.51.100.0/24'],
    sshPublicKeys: [ed25519PublicKeyLine('ops@test')],
    alertEmails: ['alerts@example.com'],
    pci: false,
    ...overrides,
  };
}
