/**
 * The buttons under a finished preview. A preview with nothing to change, a failed one, or one
 * that breaks a mandatory policy gets a note instead of buttons: there is nothing to approve.
 */
import { changedResources, hasMandatoryViolation } from '../../infra/changes/model.ts';
import type { Operation } from '../../infra/operations/model.ts';
import { type Block, context } from './limits.ts';

export const APPROVE_ACTION = 'blkshp_approve';
export const APPROVE_DESTROY_ACTION = 'blkshp_approve_destroy';
export const CANCEL_APPROVAL_ACTION = 'blkshp_cancel_approval';

/** A destroy preview: its apply removes every resource of the stack. */
export function isDestroyPreview(operation: Pick<Operation, 'kind' | 'changeSet'>): boolean {
  return operation.kind === 'destroy' || operation.changeSet?.kind === 'destroy';
}

export function approvalBlocks(preview: Operation): Block[] {
  if (preview.status !== 'succeeded' || !preview.changeSet) return [];
  if (hasMandatoryViolation(preview.changeSet)) {
    return [context('⛔ A mandatory policy failed: fix the property, then run `up` again.')];
  }
  if (changedResources(preview.changeSet).length === 0) {
    return [context('Nothing to apply: the stack already matches the property.')];
  }

  const cancel = {
    type: 'button' as const,
    action_id: CANCEL_APPROVAL_ACTION,
    text: { type: 'plain_text' as const, text: 'Cancel' },
    value: preview.id,
  };
  if (isDestroyPreview(preview)) {
    return [
      {
        type: 'actions',
        block_id: `approval:${preview.id}`,
        elements: [
          {
            type: 'button',
            action_id: APPROVE_DESTROY_ACTION,
            style: 'danger',
            text: { type: 'plain_text', text: `Destroy ${preview.property}` },
            value: preview.id,
            confirm: {
              title: { type: 'plain_text', text: 'Destroy this property?' },
              text: {
                type: 'mrkdwn',
                text:
                  `Every resource of \`${preview.property}\` is deleted, its data included. ` +
                  'This cannot be undone.',
              },
              confirm: { type: 'plain_text', text: 'Destroy' },
              deny: { type: 'plain_text', text: 'Keep it' },
              style: 'danger',
            },
          },
          cancel,
        ],
      },
    ];
  }
  return [
    {
      type: 'actions',
      block_id: `approval:${preview.id}`,
      elements: [
        {
          type: 'button',
          action_id: APPROVE_ACTION,
          style: 'primary',
          text: { type: 'plain_text', text: 'Approve and apply' },
          value: preview.id,
        },
        cancel,
      ],
    },
  ];
}
