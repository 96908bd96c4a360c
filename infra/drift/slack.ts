/**
 * Drift notifications in a Slack channel. The bot owns the Slack client; this module only needs
 * a `postMessage` function, so nothing here imports Bolt.
 */
import type { Logger } from 'pino';
import { BlkshpError, ERROR_CODES } from '../errors.ts';
import type { DriftNotification, DriftNotifier } from './model.ts';
import { type Block, driftNotificationBlocks, driftNotificationText } from './slack-blocks.ts';

export type PostMessage = (channel: string, text: string, blocks: Block[]) => Promise<void>;

/** Reads `BLKSHP_DRIFT_SLACK_CHANNEL`: a channel ID (`C0123ABCD`) or `#name`; unset means none. */
export function parseSlackChannel(raw: string | undefined): string | null {
  const value = raw?.trim() ?? '';
  if (value === '') return null;
  if (/^[CGD][A-Z0-9]{6,}$/.test(value) || /^#[a-z0-9][a-z0-9._-]{0,79}$/.test(value)) {
    return value;
  }
  throw new BlkshpError(
    ERROR_CODES.configInvalid,
    'BLKSHP_DRIFT_SLACK_CHANNEL must be a channel ID such as C0123ABCD or a name such as #ops',
  );
}

export interface SlackDriftNotifierOptions {
  channel: string;
  postMessage: PostMessage;
  logger: Logger;
}

export class SlackDriftNotifier implements DriftNotifier {
  readonly name = 'slack';
  readonly #options: SlackDriftNotifierOptions;

  constructor(options: SlackDriftNotifierOptions) {
    this.#options = options;
  }

  async notify(event: DriftNotification): Promise<void> {
    const { channel, postMessage, logger } = this.#options;
    try {
      await postMessage(channel, driftNotificationText(event), driftNotificationBlocks(event));
    } catch (error) {
      // Best effort: the history holds the result, and the next change notifies again.
      logger.warn({ err: error, event: event.id, property: event.property }, 'Slack post failed');
    }
  }
}
