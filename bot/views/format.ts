/**
 * Turning values into short, safe text. ChangeSets arrive redacted, but a view is the last
 * place a secret could leak, so anything still carrying Pulumi's secret marker, and any output
 * whose name says it is a credential, prints as a placeholder.
 */

/** The signature key Pulumi puts on a serialised secret value. */
const PULUMI_SECRET_SIG = '4dabf18193072939515e22adb298388d';
const SECRET_NAME = /(password|passphrase|secret|token|private.?key|encryption.?key|credential)/i;

export const SECRET_PLACEHOLDER = '[secret]';

export function isSecretMarker(value: unknown): boolean {
  return typeof value === 'object' && value !== null && PULUMI_SECRET_SIG in value;
}

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** Replaces secret markers at any depth, and values under credential-like keys. */
export function redactValue(value: unknown, key = ''): unknown {
  if (isSecretMarker(value) || (key !== '' && isSecretName(key) && value !== null)) {
    return SECRET_PLACEHOLDER;
  }
  if (Array.isArray(value)) return value.map((item) => redactValue(item));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v, k)]));
  }
  return value;
}

/** One value as compact text, at most `max` characters. */
export function formatValue(value: unknown, max = 120): string {
  const safe = redactValue(value);
  let text: string;
  if (safe === undefined) text = '(none)';
  else if (typeof safe === 'string') text = JSON.stringify(safe);
  else text = JSON.stringify(safe) ?? String(safe);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function formatUsd(amount: number): string {
  return `$${amount.toFixed(2)}`;
}

export function formatUsdDelta(amount: number): string {
  const sign = amount > 0 ? '+' : amount < 0 ? '−' : '±';
  return `${sign}$${Math.abs(amount).toFixed(2)}`;
}
