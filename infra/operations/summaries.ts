import type { Operation } from './model.ts';

/** The summary that marks a preview as the preview of a destroy. */
export const DESTROY_PREVIEW_SUMMARY = 'destroy preview';

export function isDestroyPreview(operation: Pick<Operation, 'kind' | 'summary'>): boolean {
  return operation.kind === 'preview' && operation.summary === DESTROY_PREVIEW_SUMMARY;
}
