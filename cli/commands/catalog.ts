/** `blkshp tiers`, `blkshp ops list|show|cancel`, `blkshp tokens create|revoke`. */
import type { Command } from 'commander';
import { CLOUDS } from '../../infra/properties/regions.ts';
import { monthlyEstimate, TIER_NAMES } from '../../infra/tiers/index.ts';
import { createToken } from '../../infra/tokens/index.ts';
import type { CliContext } from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import { renderOperation } from '../render.ts';

type Run = (ctx: CliContext) => Promise<number>;

export function registerCatalogCommands(program: Command, run: (body: Run) => Promise<void>) {
  program
    .command('tiers')
    .description('the tiers with their monthly estimates per cloud')
    .action(() =>
      run(async (ctx) => {
        const rows = TIER_NAMES.flatMap((tier) =>
          CLOUDS.map((cloud) => monthlyEstimate(cloud, tier)),
        );
        if (ctx.json) {
          ctx.out(JSON.stringify(rows, null, 2));
          return EXIT.ok;
        }
        for (const row of rows) {
          ctx.out(`${row.tier.padEnd(11)} ${row.cloud.padEnd(13)} $${row.totalUsd.toFixed(2)}/mo`);
        }
        const first = rows[0];
        if (first) ctx.out(`Prices: ${first.source}, as of ${first.asOf}.`);
        return EXIT.ok;
      }),
    );

  const ops = program.command('ops').description('operations: list, show, cancel');
  ops
    .command('list')
    .option('--property <slug>', 'only this property')
    .option('--limit <n>', 'at most this many', '20')
    .action((options: { property?: string; limit: string }) =>
      run(async (ctx) => {
        const { controlPlane } = await ctx.service();
        const list = await controlPlane.listOperations({
          ...(options.property ? { property: options.property } : {}),
          limit: Number(options.limit),
        });
        if (ctx.json) ctx.out(JSON.stringify(list, null, 2));
        for (const o of ctx.json ? [] : list) {
          ctx.out(
            `${o.id}  ${o.property.padEnd(24)} ${o.kind.padEnd(11)} ${o.status.padEnd(11)} ${o.createdAt}`,
          );
        }
        return EXIT.ok;
      }),
    );
  ops.command('show <id>').action((id: string) =>
    run(async (ctx) => {
      const operation = await (await ctx.service()).controlPlane.getOperation(id);
      if (!operation) {
        ctx.out(`There is no operation ${id}.`);
        return EXIT.notFound;
      }
      ctx.out(ctx.json ? JSON.stringify(operation, null, 2) : renderOperation(operation));
      return EXIT.ok;
    }),
  );
  ops.command('cancel <id>').action((id: string) =>
    run(async (ctx) => {
      const result = await (await ctx.service()).controlPlane.cancel(id, ctx.actor);
      ctx.out(result.cancelled ? `Cancelling ${id}.` : `Not cancelled: ${result.reason}`);
      return result.cancelled ? EXIT.ok : EXIT.refused;
    }),
  );

  const tokens = program.command('tokens').description('API tokens');
  tokens
    .command('create <name>')
    .description('create a token; its secret is printed once and never stored')
    .option('--scope <scopes...>', 'read, plan, apply, admin', ['read'])
    .action((name: string, options: { scope: string[] }) =>
      run(async (ctx) => {
        const { repo } = await ctx.service();
        const token = await createToken(repo, name, options.scope as never);
        ctx.out(ctx.json ? JSON.stringify(token) : `Token ${token.id} (${name}): ${token.secret}`);
        if (!ctx.json) ctx.out('Store it now: it is shown only this once.');
        return EXIT.ok;
      }),
    );
  tokens.command('revoke <id>').action((id: string) =>
    run(async (ctx) => {
      const { repo } = await ctx.service();
      const revoked = await repo.revokeToken(id, new Date().toISOString());
      ctx.out(revoked ? `Revoked ${id}.` : `No active token ${id}.`);
      return revoked ? EXIT.ok : EXIT.notFound;
    }),
  );
}
