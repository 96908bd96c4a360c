/**
 * The destroy confirmation modal: the admin must type the property's slug exactly. The danger
 * button with its confirm dialog comes after the destroy preview (see `approval.ts`).
 */
import { escapeMrkdwn } from './limits.ts';

export const DESTROY_VIEW = 'blkshp_destroy';
export const DESTROY_BLOCK = 'confirm_slug';
const ACTION = 'value';

export interface DestroyMetadata {
  slug: string;
  channelId: string | null;
}

export function destroyFormView(metadata: DestroyMetadata) {
  return {
    type: 'modal' as const,
    callback_id: DESTROY_VIEW,
    private_metadata: JSON.stringify(metadata),
    title: { type: 'plain_text' as const, text: 'Destroy a property' },
    submit: { type: 'plain_text' as const, text: 'Preview destroy' },
    close: { type: 'plain_text' as const, text: 'Cancel' },
    blocks: [
      {
        type: 'section' as const,
        text: {
          type: 'mrkdwn' as const,
          text:
            `:rotating_light: This previews deleting *every* resource of ` +
            `\`${escapeMrkdwn(metadata.slug)}\`, its database and backups bucket included. ` +
            'Nothing is deleted until an admin presses the red button on the preview.',
        },
      },
      {
        type: 'input' as const,
        block_id: DESTROY_BLOCK,
        label: { type: 'plain_text' as const, text: 'Type the property slug to confirm' },
        element: { type: 'plain_text_input' as const, action_id: ACTION },
      },
    ],
  };
}

export function typedSlug(values: Record<string, Record<string, { value?: string | null }>>) {
  return values[DESTROY_BLOCK]?.[ACTION]?.value ?? '';
}
