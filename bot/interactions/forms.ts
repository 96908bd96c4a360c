/**
 * Modal submissions. Validation happens before the acknowledgement so that field errors can be
 * returned in it (`response_action: 'errors'`); the engine work runs after it.
 */

import { parsePropertySpec } from '../../infra/properties/spec.ts';
import { addAndPreview } from '../commands/add-property.ts';
import { enqueueAndFollow, mention } from '../commands/context.ts';
import { deniedReply, errorReply } from '../replies.ts';
import { actorOf, audit, authorise, type BotServices, type SlackRequester } from '../services.ts';
import { approvalBlocks } from '../views/approval.ts';
import { DESTROY_BLOCK, type DestroyMetadata, typedSlug } from '../views/destroy-form.ts';
import {
  type FormMetadata,
  formErrors,
  propertyInputFromForm,
  type ViewStateValues,
} from '../views/property-form.ts';
import { replyTo } from './reply.ts';

export interface Submission {
  userId: string;
  privateMetadata: string;
  values: ViewStateValues;
}

/** The acknowledgement body (field errors or nothing) and the work to run after it. */
export interface SubmissionOutcome {
  ack: { response_action: 'errors'; errors: Record<string, string> } | undefined;
  work: (() => Promise<void>) | null;
}

function metadata<T>(raw: string): Partial<T> {
  try {
    return JSON.parse(raw) as Partial<T>;
  } catch {
    return {};
  }
}

/**
 * Validates the property form. Field errors go back in the acknowledgement; the role check and
 * the control plane call run after it, so nothing slow happens inside Slack's three seconds.
 */
export function submitPropertyForm(
  services: BotServices,
  submission: Submission,
): SubmissionOutcome {
  const meta = metadata<FormMetadata>(submission.privateMetadata);
  const requester: SlackRequester = {
    userId: submission.userId,
    channelId: meta.channelId ?? null,
  };
  const reply = replyTo(services, requester);

  const input = propertyInputFromForm(submission.values);
  const parsed = parsePropertySpec(input);
  if (!parsed.ok) {
    return { ack: { response_action: 'errors', errors: formErrors(parsed.issues) }, work: null };
  }

  return {
    ack: undefined,
    work: async () => {
      // Checked again on submission: a modal can outlive a role change.
      const verdict = await authorise(services, requester, 'add-property', parsed.spec.slug);
      if (!verdict.allowed) return reply(deniedReply('add-property', verdict.role));
      try {
        await addAndPreview({ services, requester, reply }, input);
      } catch (error) {
        services.logger.error({ err: error }, 'adding a property from Slack failed');
        await audit(services, requester, {
          action: 'add-property',
          property: parsed.spec.slug,
          result: 'error',
          detail: errorReply(error).slice(0, 500),
        });
        await reply(errorReply(error));
      }
    },
  };
}

export function submitDestroyForm(
  services: BotServices,
  submission: Submission,
): SubmissionOutcome {
  const meta = metadata<DestroyMetadata>(submission.privateMetadata);
  const slug = meta.slug ?? '';
  const requester: SlackRequester = {
    userId: submission.userId,
    channelId: meta.channelId ?? null,
  };
  const reply = replyTo(services, requester);

  if (!slug || typedSlug(submission.values).trim() !== slug) {
    return {
      ack: {
        response_action: 'errors',
        errors: { [DESTROY_BLOCK]: `Type ${slug} exactly to confirm.` },
      },
      work: null,
    };
  }

  return {
    ack: undefined,
    work: async () => {
      const verdict = await authorise(services, requester, 'destroy', slug);
      if (!verdict.allowed) return reply(deniedReply('destroy', verdict.role));
      try {
        await enqueueAndFollow(
          { services, requester, reply },
          {
            action: 'destroy',
            property: slug,
            enqueue: () => services.controlPlane.previewDestroy(slug, actorOf(requester)),
            notes: [
              `:rotating_light: ${mention(requester.userId)} asks to destroy \`${slug}\`. ` +
                'An admin must press the red button below.',
            ],
            finalActions: approvalBlocks,
          },
        );
      } catch (error) {
        services.logger.error(
          { err: error, property: slug },
          'a destroy preview from Slack failed',
        );
        await reply(errorReply(error));
      }
    },
  };
}
