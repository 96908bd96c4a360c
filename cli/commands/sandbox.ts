/** `blkshp sandbox change|list`: change the offline cloud behind the engine's back, for drift. */
import type { Command } from 'commander';
import { invalidInput } from '../../infra/errors.ts';
import { parseSandboxChange } from '../../sandbox/cli.ts';
import { changeSandboxResource, listSandboxResources } from '../../sandbox/console.ts';
import type { CliContext } from '../context.ts';
import { EXIT } from '../exit-codes.ts';

type Run = (ctx: CliContext) => Promise<number>;

export function registerSandboxCommands(program: Command, run: (body: Run) => Promise<void>) {
  const sandbox = program.command('sandbox').description('the offline sandbox cloud');
  sandbox
    .command('list <property>')
    .description('the resources the sandbox holds for a property')
    .action((slug: string) =>
      run(async (ctx) => {
        const resources = await listSandboxResources(ctx.settings.sandboxDir, slug);
        if (ctx.json) ctx.out(JSON.stringify(resources, null, 2));
        for (const r of ctx.json ? [] : resources) ctx.out(`${r.type}::${r.name}  ${r.id}`);
        return EXIT.ok;
      }),
    );
  sandbox
    .command('change <property> <resource> <changes...>')
    .description(
      'change a resource as a person in a cloud console would, e.g. ' +
        '`sandbox change demo web-firewall \'inboundRules.+={"protocol":"tcp","portRange":"22",' +
        '"sourceAddresses":["0.0.0.0/0"]}\'`, `size=s-4vcpu-8gb`, `-lifecycleRules`',
    )
    .action((slug: string, resource: string, changes: string[]) =>
      run(async (ctx) => {
        let request: ReturnType<typeof parseSandboxChange>;
        try {
          request = parseSandboxChange([resource, ...changes]);
        } catch (error) {
          throw invalidInput((error as Error).message);
        }
        const changed = await changeSandboxResource(
          ctx.settings.sandboxDir,
          slug,
          request.selector,
          request.set,
          request.unset,
        );
        ctx.out(`Changed ${changed.type}::${changed.name} in the sandbox of ${slug}.`);
        ctx.out(`Run \`blkshp drift ${slug}\` to see the drift.`);
        return EXIT.ok;
      }),
    );
}
