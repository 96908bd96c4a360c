/** preview, apply, refresh, drift, destroy: queue an operation, follow it, print its ChangeSet. */
import type { Command } from 'commander';
import type { EnqueueResult } from '../../infra/control-plane-api.ts';
import type { CliContext } from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import { renderOperation, renderRefusal } from '../render.ts';

type Run = (ctx: CliContext) => Promise<number>;

export function registerOperationCommands(program: Command, run: (body: Run) => Promise<void>) {
  program
    .command('preview <property>')
    .description('preview the changes an apply would make, with policy findings and cost')
    .action((slug: string) =>
      run(async (ctx) => follow(ctx, (await ctx.service()).controlPlane.preview(slug, ctx.actor))),
    );
  program
    .command('apply <preview-id>')
    .description('apply exactly what a succeeded preview showed (refused when it is stale)')
    .action((previewId: string) =>
      run(async (ctx) =>
        follow(ctx, (await ctx.service()).controlPlane.apply(previewId, ctx.actor)),
      ),
    );
  program
    .command('refresh <property>')
    .description('read the real state of every resource into the stack')
    .action((slug: string) =>
      run(async (ctx) => follow(ctx, (await ctx.service()).controlPlane.refresh(slug, ctx.actor))),
    );
  program
    .command('drift <property>')
    .description('check the property for drift without changing anything')
    .action((slug: string) =>
      run(async (ctx) =>
        follow(ctx, (await ctx.service()).controlPlane.driftCheck(slug, ctx.actor)),
      ),
    );
  program
    .command('destroy <property>')
    .description('preview the destruction of a property; apply that preview to carry it out')
    .action((slug: string) =>
      run(async (ctx) =>
        follow(ctx, (await ctx.service()).controlPlane.previewDestroy(slug, ctx.actor)),
      ),
    );
}

/** Waits for a queued operation and prints it; the exit code says how it ended. */
export async function follow(ctx: CliContext, pending: Promise<EnqueueResult>): Promise<number> {
  const result = await pending;
  if (!result.accepted) {
    ctx.out(ctx.json ? JSON.stringify(result) : renderRefusal(result));
    return result.code === 'not-found' ? EXIT.notFound : EXIT.refused;
  }
  const { controlPlane } = await ctx.service();
  if (!ctx.json) ctx.out(`${result.operation.kind} ${result.operation.id} queued...`);
  const finished = await controlPlane.waitFor(result.operation.id);
  ctx.out(ctx.json ? JSON.stringify(finished, null, 2) : renderOperation(finished));
  return finished.status === 'succeeded' ? EXIT.ok : EXIT.operationFailed;
}
