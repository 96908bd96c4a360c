/**
 * Removes secrets from anything on its way to a view, a log or the database.
 *
 * Two kinds are caught: values the engine marks as secret (the `4dabf18193072939515e22adb298388d`
 * signature key in serialized outputs, or the `[secret]` placeholder), and every secret value the
 * service itself generated or was given (passed in as `knownSecrets`), wherever it appears inside
 * a string.
 */

/** Pulumi's marker key for a serialized secret value. */
const SECRET_SIGNATURE_KEY = '4dabf18193072939515e22adb298388d';
const SECRET_SIGNATURE = '1b47061264138c4ac30d75fd1eb44270';
export const REDACTED = '[secret]';

/** Secrets shorter than this are not searched for inside strings: too many false hits. */
const MIN_SECRET_LENGTH = 6;

export class Redactor {
  readonly #secrets: string[];

  constructor(knownSecrets: Iterable<string> = []) {
    this.#secrets = [...new Set(knownSecrets)]
      .filter((s) => s.length >= MIN_SECRET_LENGTH)
      // Longest first, so a secret that contains another is replaced whole.
      .sort((a, b) => b.length - a.length);
  }

  /** A new redactor that also knows `more`. */
  with(more: Iterable<string>): Redactor {
    return new Redactor([...this.#secrets, ...more]);
  }

  text(value: string): string {
    let out = value;
    for (const secret of this.#secrets) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    }
    return out;
  }

  /** A deep copy of `value` with every secret replaced by `[secret]`. */
  value(value: unknown): unknown {
    if (typeof value === 'string') return this.text(value);
    if (Array.isArray(value)) return value.map((v) => this.value(v));
    if (value !== null && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if (record[SECRET_SIGNATURE_KEY] === SECRET_SIGNATURE) return REDACTED;
      const out: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(record)) out[key] = this.value(v);
      return out;
    }
    return value;
  }
}
