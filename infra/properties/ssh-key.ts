/**
 * OpenSSH public key checks. The base64 body of a key starts with the algorithm name again
 * (RFC 4253 section 6.6); a mismatch means a pasted key was truncated or mixed up.
 */

export const SSH_KEY_TYPES = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'ssh-rsa',
] as const;

/** NIST SP 800-57 puts 2048-bit RSA at end of life after 2030; we ask for 3072 now. */
export const MIN_RSA_BITS = 3072;

export type SshKeyCheck = { ok: true; type: string } | { ok: false; reason: string };

export function checkSshPublicKey(line: string): SshKeyCheck {
  const parts = line.trim().split(/\s+/);
  const [type, body] = parts;
  if (!type || !body) {
    return { ok: false, reason: 'must look like "<type> <base64 key> [comment]"' };
  }
  if (!(SSH_KEY_TYPES as readonly string[]).includes(type)) {
    return { ok: false, reason: `key type must be one of ${SSH_KEY_TYPES.join(', ')}` };
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body) || body.length % 4 !== 0) {
    return { ok: false, reason: 'key body is not valid base64' };
  }

  const reader = new WireReader(Buffer.from(body, 'base64'));
  const embedded = reader.string();
  if (embedded?.toString('latin1') !== type) {
    return { ok: false, reason: `key body does not encode a ${type} key` };
  }
  if (type === 'ssh-ed25519') {
    return reader.string()?.length === 32
      ? { ok: true, type }
      : { ok: false, reason: 'ed25519 key body must hold a 32-byte key' };
  }
  if (type.startsWith('ecdsa-')) {
    const curve = reader.string()?.toString('latin1');
    const point = reader.string();
    return curve === type.slice('ecdsa-sha2-'.length) && point && point.length > 0
      ? { ok: true, type }
      : { ok: false, reason: 'ECDSA key body names a different curve or lacks the point' };
  }
  // ssh-rsa: exponent, then modulus as an mpint (a leading zero byte keeps it positive).
  const exponent = reader.string();
  const modulus = reader.string();
  if (!exponent || !modulus) return { ok: false, reason: 'RSA key body is truncated' };
  const bits = mpintBits(modulus);
  if (bits < MIN_RSA_BITS) {
    return { ok: false, reason: `RSA key has ${bits} bits; at least ${MIN_RSA_BITS} required` };
  }
  return { ok: true, type };
}

function mpintBits(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  if (i === bytes.length) return 0;
  return (bytes.length - i - 1) * 8 + (bytes[i] ?? 0).toString(2).length;
}

/** Reads SSH wire-format strings: a 4-byte big-endian length, then that many bytes. */
class WireReader {
  private offset = 0;
  private readonly buffer: Buffer;

  constructor(buffer: Buffer) {
    this.buffer = buffer;
  }

  string(): Buffer | undefined {
    if (this.offset + 4 > this.buffer.length) return undefined;
    const length = this.buffer.readUInt32BE(this.offset);
    const start = this.offset + 4;
    if (start + length > this.buffer.length) return undefined;
    this.offset = start + length;
    return this.buffer.subarray(start, start + length);
  }
}
