/**
 * CIDR checks for the SSH allow-list, written by hand on top of node:net so that the rules we
 * care about (network address exact, not the whole internet) give precise messages.
 */
import { isIPv4, isIPv6 } from 'node:net';

/** Broader prefixes than these open SSH to a large share of the internet. */
export const MIN_SSH_PREFIX = { v4: 8, v6: 16 } as const;

export type CidrCheck = { ok: true; family: 4 | 6 } | { ok: false; reason: string };

export function checkSshCidr(value: string): CidrCheck {
  const slash = value.indexOf('/');
  if (slash < 0) {
    return { ok: false, reason: 'must be a CIDR with a prefix length, e.g. 203.0.113.7/32' };
  }
  const address = value.slice(0, slash);
  const prefixText = value.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) {
    return { ok: false, reason: 'prefix length after "/" must be a whole number' };
  }
  const prefix = Number(prefixText);
  const family = isIPv4(address) ? 4 : isIPv6(address) ? 6 : 0;
  if (family === 0) return { ok: false, reason: `"${address}" is not an IPv4 or IPv6 address` };

  const bits = family === 4 ? 32 : 128;
  if (prefix > bits) return { ok: false, reason: `prefix length must be 0 to ${bits}` };
  if (prefix === 0) {
    return { ok: false, reason: 'SSH must not be open to the whole internet (/0 is refused)' };
  }
  const min = family === 4 ? MIN_SSH_PREFIX.v4 : MIN_SSH_PREFIX.v6;
  if (prefix < min) {
    return { ok: false, reason: `prefix /${prefix} is too broad for SSH; use /${min} or longer` };
  }

  const value128 = family === 4 ? ipv4ToBigInt(address) : ipv6ToBigInt(address);
  const hostMask = (1n << BigInt(bits - prefix)) - 1n;
  if ((value128 & hostMask) !== 0n) {
    const network = value128 & ~hostMask;
    const shown = family === 4 ? bigIntToIpv4(network) : bigIntToIpv6(network);
    return { ok: false, reason: `host bits are set; the network is ${shown}/${prefix}` };
  }
  return { ok: true, family };
}

function ipv4ToBigInt(address: string): bigint {
  return address.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function bigIntToIpv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join('.');
}

function ipv6ToBigInt(address: string): bigint {
  let text = address;
  // An embedded IPv4 tail (::ffff:192.0.2.1) becomes two hex groups.
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v4 = ipv4ToBigInt(tail);
    text = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head = '', rest] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = rest === undefined || rest === '' ? [] : rest.split(':');
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array<string>(rest === undefined ? 0 : missing).fill('0')];
  groups.push(...tailGroups);
  return groups.reduce((acc, group) => (acc << 16n) | BigInt(Number.parseInt(group, 16)), 0n);
}

function bigIntToIpv6(value: bigint): string {
  const groups: string[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) {
    groups.push(((value >> shift) & 0xffffn).toString(16));
  }
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}
