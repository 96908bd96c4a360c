/** `blkshp demo`: the whole flow once, in the sandbox: add, preview, apply, show the outputs. */
import type { Command } from 'commander';
import { DEMO_SLUG, demoPropertyInput } from '../../infra/demo.ts';
import type { CliContext } from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import { renderOperation, renderRefusal } from '../render.ts';

type Run = (ctx: CliContext) => Promise<number>;

export function registerDemoCommand(program: Command, run: (body: Run) => Promise<void>) {
  program
    .command('demo')
    .description('add a sample property in the sandbox, preview it, apply it, print the result')
    .option('--slug <slug>', 'the demo property slug', DEMO_SLUG)
    .action((options: { slug: string }) =>
      run(async (ctx) => {
        const { controlPlane } = await ctx.service();
        const existing = await controlPlane.getProperty(options.slug);
        const queued = existing
          ? await controlPlane.preview(options.slug, ctx.actor)
          : (await controlPlane.addProperty(demoPropertyInput(options.slug), ctx.actor)).preview;
        if (!queued.accepted) {
          ctx.out(renderRefusal(queued));
          return EXIT.refused;
        }
        ctx.out(`Previewing ${options.slug}...`);
        const preview = await controlPlane.waitFor(queued.operation.id);
        ctx.out(renderOperation(preview));
        if (preview.status !== 'succeeded') return EXIT.operationFailed;

        const applying = await controlPlane.apply(preview.id, ctx.actor);
        if (!applying.accepted) {
          ctx.out(renderRefusal(applying));
          return EXIT.refused;
        }
        ctx.out('', `Applying preview ${preview.id}...`);
        const applied = await controlPlane.waitFor(applying.operation.id);
        ctx.out(renderOperation(applied));
        return applied.status === 'succeeded' ? EXIT.ok : EXIT.operationFailed;
      }),
    );
}
