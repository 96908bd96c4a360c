/**
 * `/blkshp destroy <property>`, admins only: a modal where the slug must be typed exactly, then a
 * destroy preview whose button carries a danger confirm dialog. The submission is handled in
 * `../interactions/forms.ts`.
 */
import { notFoundReply } from '../replies.ts';
import { destroyFormView } from '../views/destroy-form.ts';
import type { CommandSpec } from './context.ts';

export const destroy: CommandSpec = {
  usage: 'destroy <property>',
  summary: 'admins: preview deleting every resource of a property, then confirm',
  action: 'destroy',
  minArgs: 1,
  async run(ctx) {
    const slug = ctx.parsed.args[0]!;
    if (!(await ctx.services.controlPlane.getProperty(slug))) {
      await ctx.reply(notFoundReply(slug));
      return;
    }
    await ctx.services.client.views.open({
      trigger_id: ctx.triggerId,
      view: destroyFormView({ slug, channelId: ctx.requester.channelId }),
    });
  },
};
