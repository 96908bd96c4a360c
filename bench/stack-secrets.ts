import { SECRET_KEYS, type StackSecrets } from '../infra/stacks/secrets.ts';
import { stackSecrets } from '../test/support/stack-secrets.ts';

/** The stack's secrets as the program wants them (bench only; never printed). */
export async function stackSecretsOf(
  tcp: { dataDir: string },
  slug: string,
): Promise<StackSecrets> {
  const values = await stackSecrets(tcp, slug);
  return Object.fromEntries(SECRET_KEYS.map((key, i) => [key, values[i] ?? ''])) as StackSecrets;
}
