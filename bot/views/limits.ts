/**
 * Slack's published limits for Block Kit messages, and the small helpers that keep a view
 * inside them. The totals are a little below Slack's so an edit never tips a message over.
 */
import type { types } from '@slack/bolt';

export type Block = types.KnownBlock;

export const LIMITS = {
  blocks: 50,
  textChars: 3000,
  headerChars: 150,
  /** Slack documents no exact total; messages much past ~12k characters of blocks fail. */
  totalChars: 12_000,
  /** The notification / fallback `text` of a message. */
  fallbackChars: 3000,
  buttonValueChars: 2000,
} as const;

/** Cuts text to `max` characters, marking the cut, never splitting a surrogate pair. */
export function clip(text: string, max: number = LIMITS.textChars): string {
  if (text.length <= max) return text;
  const cut = Array.from(text.slice(0, max - 1));
  if (cut.join('').length > max - 1) cut.pop();
  return `${cut.join('')}…`;
}

/** The size Slack measures: the serialised blocks. */
export function blocksSize(blocks: readonly Block[]): number {
  return JSON.stringify(blocks).length;
}

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

export function section(markdown: string): Block {
  return { type: 'section', text: { type: 'mrkdwn', text: clip(markdown) } };
}

export function header(text: string): Block {
  return { type: 'header', text: { type: 'plain_text', text: clip(text, LIMITS.headerChars) } };
}

export function context(...markdown: string[]): Block {
  return {
    type: 'context',
    elements: markdown.slice(0, 10).map((text) => ({ type: 'mrkdwn', text: clip(text) })),
  };
}

export const divider: Block = { type: 'divider' };

/**
 * Splits lines into sections of at most one text object each, keeping at most `budget`
 * characters in all; lines past the budget become a single "… and N more" line.
 */
export function sectionsOf(lines: readonly string[], budget: number = LIMITS.textChars): Block[] {
  return fitLines(lines, budget).blocks;
}

/** `sectionsOf`, also saying whether any line was left out. */
export function fitLines(
  lines: readonly string[],
  budget: number = LIMITS.textChars,
): { blocks: Block[]; cut: boolean } {
  const kept: string[] = [];
  let cut = false;
  let used = 0;
  for (const [index, line] of lines.entries()) {
    const piece = clip(line, Math.min(LIMITS.textChars, budget));
    if (used + piece.length + 1 > budget && kept.length > 0) {
      kept.push(`… and ${lines.length - index} more`);
      cut = true;
      break;
    }
    kept.push(piece);
    used += piece.length + 1;
  }

  const blocks: Block[] = [];
  let current = '';
  for (const piece of kept) {
    if (current && current.length + 1 + piece.length > LIMITS.textChars) {
      blocks.push(section(current));
      current = '';
    }
    current = current ? `${current}\n${piece}` : piece;
  }
  if (current) blocks.push(section(current));
  return { blocks, cut };
}
