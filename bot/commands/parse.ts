/**
 * Parsing the text after `/blkshp`: a subcommand, positional words and `--flag value` pairs.
 * Quotes group words (SSH keys contain spaces); Slack's clients sometimes send typographic
 * quotes, so those count too.
 */

export interface ParsedCommand {
  /** The subcommand, lower-cased; `help` when the text is empty. */
  name: string;
  args: string[];
  /** Repeated flags collect every value; a flag with no value is `true`. */
  flags: Map<string, Array<string | true>>;
}

const OPEN_QUOTES = new Set(['"', "'", '“', '‘']);
const CLOSE_FOR: Record<string, string[]> = { '"': ['"'], "'": ["'"], '“': ['”', '"'], '‘': ['’'] };

/** Splits on whitespace outside quotes. An unclosed quote runs to the end of the text. */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let current = '';
  let inToken = false;
  let closers: string[] | null = null;

  for (const char of text) {
    if (closers) {
      if (closers.includes(char)) closers = null;
      else current += char;
      continue;
    }
    if (OPEN_QUOTES.has(char)) {
      closers = CLOSE_FOR[char] ?? [char];
      inToken = true;
      continue;
    }
    if (/\s/.test(char)) {
      if (inToken) tokens.push(current);
      current = '';
      inToken = false;
      continue;
    }
    current += char;
    inToken = true;
  }
  if (inToken) tokens.push(current);
  return tokens;
}

export function parseCommand(text: string): ParsedCommand {
  const tokens = tokenize(text.trim());
  const flags = new Map<string, Array<string | true>>();
  const args: string[] = [];
  const name = (tokens.shift() ?? 'help').toLowerCase();

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (!token.startsWith('--') || token === '--') {
      args.push(token);
      continue;
    }
    const body = token.slice(2);
    const eq = body.indexOf('=');
    let key: string;
    let value: string | true;
    if (eq >= 0) {
      key = body.slice(0, eq);
      value = body.slice(eq + 1);
    } else {
      key = body;
      const next = tokens[i + 1];
      // A flag followed by another flag (or nothing) is a switch, e.g. `--pci`.
      if (next === undefined || next.startsWith('--')) value = true;
      else {
        value = next;
        i += 1;
      }
    }
    const list = flags.get(key.toLowerCase()) ?? [];
    list.push(value);
    flags.set(key.toLowerCase(), list);
  }
  return { name, args, flags };
}
