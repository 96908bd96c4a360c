/**
 * The vocabulary of the sandbox cloud: what one resource type's table entry says, and the small
 * helpers the per-cloud tables use to mint ids and addresses that look like the real thing.
 *
 * Everything under `sandbox/` runs as a plugin process with plain `node` (type stripping), so
 * it sticks to erasable syntax and imports only node built-ins and `@pulumi/pulumi`.
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';

export type Props = Record<string, unknown>;

/** The packages the sandbox answers for; each runs as its own plugin process. */
export const SANDBOX_PACKAGES = ['digitalocean', 'gcp', 'aws'] as const;
export type SandboxPackage = (typeof SANDBOX_PACKAGES)[number];

export function isSandboxPackage(name: string): name is SandboxPackage {
  return (SANDBOX_PACKAGES as readonly string[]).includes(name);
}

/** What a table entry sees when it builds an id or computed attributes. */
export interface SpecContext {
  /** The inputs after `check` (defaults applied, secrets still wrapped). */
  inputs: Props;
  /** The resource's logical name in the program (last URN segment). */
  name: string;
  /** The resource's type token, e.g. `aws:ec2/vpc:Vpc`. */
  type: string;
  stack: string;
  /** The outputs before this update; absent on create. Lets specs keep what must not change. */
  prev?: Props;
}

export interface ComputedContext extends SpecContext {
  id: string;
  /** The previous value of `key` when the resource is updated, else `make()`. */
  keep: (key: string, make: () => unknown) => unknown;
}

export interface TypeSpec {
  /** Mints the id the real cloud would hand out. */
  id: (c: SpecContext) => string;
  /** Attributes the cloud computes (addresses, ARNs, self links); inputs win over them. */
  computed?: (c: ComputedContext) => Props;
  /** Top-level inputs whose change makes the real provider replace the resource. */
  replaceOn?: readonly string[];
  /**
   * Input whose value the cloud keeps unique. The store refuses a second resource with the same
   * value, and a replacement that keeps it deletes the old resource first.
   */
  uniqueName?: string;
  /**
   * A create of an id that exists replaces the record, as an object store's PUT does; this is also
   * what lets an update cut short by a crash be carried out again.
   */
  overwrites?: boolean;
  /** Input the real provider fills with `<logical name>-<random>` when the program omits it. */
  autoName?: string;
  /** Defaults the real provider applies and the programs read back. */
  defaults?: Props;
}

export type InvokeHandler = (args: Props) => Props;

export interface PackageTable {
  resources: Readonly<Record<string, TypeSpec>>;
  invokes: Readonly<Record<string, InvokeHandler>>;
}

// Engine wire sentinels: a property value not known during preview, and a secret's wrapper.
export const UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';
const SIG_KEY = '4dabf18193072939515e22adb298388d';
const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';

export function isSecretWrapper(value: unknown): value is { value: unknown } {
  return isObject(value) && value[SIG_KEY] === SECRET_SIG;
}

/** Wraps a value the way the engine marks secrets, so computed passwords stay encrypted. */
export function secret(value: unknown): Props {
  return { [SIG_KEY]: SECRET_SIG, value };
}

/** Strips secret wrappers, deeply, so values can be compared and read. */
export function plain(value: unknown): unknown {
  if (isSecretWrapper(value)) return plain(value.value);
  if (Array.isArray(value)) return value.map(plain);
  if (isObject(value)) {
    const out: Props = {};
    for (const [k, v] of Object.entries(value)) out[k] = plain(v);
    return out;
  }
  return value;
}

export function isObject(value: unknown): value is Props {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A plain string input, or `fallback` when it is absent, unknown or not a string. */
export function str(inputs: Props, key: string, fallback = ''): string {
  const v = plain(inputs[key]);
  return typeof v === 'string' && v !== '' && v !== UNKNOWN ? v : fallback;
}

/** The last path segment of a self link or resource path (`.../zones/us-central1-a`). */
export function lastSegment(value: string): string {
  return value.split('/').at(-1) ?? value;
}

// Id and address minting. Random, not sequential: several plugin processes mint at once.
export const mint = {
  hex: (length: number): string =>
    randomBytes(Math.ceil(length / 2))
      .toString('hex')
      .slice(0, length),
  uuid: (): string => randomUUID(),
  /** A decimal id in the range real DigitalOcean numeric ids occupy. */
  numeric: (): string => String(randomInt(100_000_000, 999_999_999)),
  /** Documentation range for public addresses (RFC 5737), so nothing looks routable. */
  publicIp: (): string => `203.0.113.${randomInt(2, 254)}`,
  privateIp: (prefix = '10.10'): string => `${prefix}.${randomInt(0, 255)}.${randomInt(2, 254)}`,
  ipv6: (): string => `2001:db8::${mint.hex(4)}`,
  now: (): string => new Date().toISOString(),
};
