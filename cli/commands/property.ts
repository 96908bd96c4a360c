/** `blkshp property add|list|show|remove`. */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { renderChangeSetText } from '../../infra/changes/render-text.ts';
import type { PropertyRecord } from '../../infra/control-plane-api.ts';
import type { CliContext } from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import { follow } from './operations.ts';

type Run = (ctx: CliContext) => Promise<number>;

export function registerPropertyCommands(program: Command, run: (body: Run) => Promise<void>) {
  const property = program.command('property').description('the catalog of hotel properties');

  property
    .command('add')
    .description('add a property from a JSON spec file (or - for stdin) and preview it')
    .requiredOption('-f, --file <path>', 'JSON spec: slug, name, cloud, region, tier, domain, ...')
    .action((options: { file: string }) =>
      run(async (ctx) => {
        const input: unknown = JSON.parse(await readSpec(options.file));
        const { controlPlane } = await ctx.service();
        const { preview } = await controlPlane.addProperty(input, ctx.actor);
        return follow(ctx, Promise.resolve(preview));
      }),
    );

  property
    .command('list')
    .description('list properties')
    .option('--cloud <cloud>', 'only this cloud')
    .option('--tier <tier>', 'only this tier')
    .action((options: { cloud?: string; tier?: string }) =>
      run(async (ctx) => {
        const { controlPlane } = await ctx.service();
        const records = await controlPlane.listProperties(options);
        if (ctx.json) ctx.out(JSON.stringify(records, null, 2));
        else ctx.out(records.length ? records.map(listLine).join('\n') : 'No properties yet.');
        return EXIT.ok;
      }),
    );

  property
    .command('show <slug>')
    .description('show a property: spec, outputs, last operation, drift')
    .action((slug: string) =>
      run(async (ctx) => {
        const { controlPlane } = await ctx.service();
        const record = await controlPlane.getProperty(slug);
        if (!record) {
          ctx.out(`There is no property named ${slug}.`);
          return EXIT.notFound;
        }
        ctx.out(ctx.json ? JSON.stringify(record, null, 2) : showText(record));
        return EXIT.ok;
      }),
    );

  property
    .command('remove <slug>')
    .description('remove a property whose infrastructure has been destroyed')
    .action((slug: string) =>
      run(async (ctx) => {
        const { controlPlane } = await ctx.service();
        const result = await controlPlane.removeProperty(slug, ctx.actor);
        ctx.out(result.removed ? `Removed ${slug}.` : `Not removed: ${result.reason}`);
        return result.removed ? EXIT.ok : EXIT.refused;
      }),
    );
}

async function readSpec(file: string): Promise<string> {
  if (file !== '-') return readFile(file, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function listLine(r: PropertyRecord): string {
  const s = r.spec;
  const sandbox = r.sandbox ? ' [sandbox]' : '';
  const last = r.lastOperation ? `${r.lastOperation.kind} ${r.lastOperation.status}` : 'never run';
  return (
    `${s.slug.padEnd(28)} ${s.cloud.padEnd(12)} ${s.region.padEnd(14)} ${s.tier.padEnd(10)} ` +
    `$${r.monthlyEstimateUsd.toFixed(0)}/mo  drift: ${r.drift.status}  last: ${last}${sandbox}`
  );
}

function showText(r: PropertyRecord): string {
  const lines = [`${r.spec.name} (${r.spec.slug})${r.sandbox ? ' [SANDBOX]' : ''}`];
  for (const [key, value] of Object.entries(r.spec))
    lines.push(`  ${key}: ${JSON.stringify(value)}`);
  lines.push(`  monthly estimate: $${r.monthlyEstimateUsd.toFixed(2)}`);
  lines.push(
    `  drift: ${r.drift.status}${r.drift.checkedAt ? ` (checked ${r.drift.checkedAt})` : ''}`,
  );
  if (r.outputs) {
    lines.push('Outputs:');
    for (const [key, value] of Object.entries(r.outputs)) {
      lines.push(`  ${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
    }
  }
  if (r.lastOperation?.changeSet) {
    lines.push('', 'Last operation:', renderChangeSetText(r.lastOperation.changeSet));
  }
  return lines.join('\n');
}
