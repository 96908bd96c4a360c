/** The commands that only read: list, status, ops, tiers. Their replies are private. */
import { notFoundReply } from '../replies.ts';
import { fleetView, operationsView, statusView } from '../views/fleet.ts';
import { tiersView } from '../views/tiers.ts';
import type { CommandSpec } from './context.ts';

export const list: CommandSpec = {
  usage: 'list',
  summary: 'every property with its cloud, tier, cost and drift',
  action: 'list',
  minArgs: 0,
  async run({ services, reply }) {
    await reply(fleetView(await services.controlPlane.listProperties()));
  },
};

export const status: CommandSpec = {
  usage: 'status <property>',
  summary: 'one property: spec, last operation, drift, outputs',
  action: 'status',
  minArgs: 1,
  async run({ services, parsed, reply }) {
    const slug = parsed.args[0]!;
    const record = await services.controlPlane.getProperty(slug);
    if (!record) return reply(notFoundReply(slug));
    await reply(statusView(record, await services.controlPlane.driftHistory(slug, 5)));
  },
};

export const ops: CommandSpec = {
  usage: 'ops <property>',
  summary: 'the last operations on a property',
  action: 'ops',
  minArgs: 1,
  async run({ services, parsed, reply }) {
    const slug = parsed.args[0]!;
    if (!(await services.controlPlane.getProperty(slug))) return reply(notFoundReply(slug));
    const operations = await services.controlPlane.listOperations({ property: slug, limit: 15 });
    await reply(operationsView(slug, operations));
  },
};

export const tiers: CommandSpec = {
  usage: 'tiers',
  summary: 'the tier catalog with monthly estimates',
  action: 'tiers',
  minArgs: 0,
  async run({ reply }) {
    await reply(tiersView());
  },
};
