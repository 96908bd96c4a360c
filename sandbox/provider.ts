/**
 * One provider implementation for every sandboxed package; the per-type tables in `types/` say
 * where clouds differ. The engine talks to it through `@pulumi/pulumi/provider`'s server.
 *
 * Diffs: the Node provider server hands `diff` the old *outputs* only and forwards no changed
 * keys or detailed diff. So `diff` leaves `changes` unknown: the engine then compares the real
 * old inputs (from state) with the new ones itself and fills in the changed keys and a detailed
 * diff for its events. `diff` adds only what the engine cannot know: which changes replace.
 */
import { createHash } from 'node:crypto';
import type {
  CheckResult,
  CreateResult,
  DiffResult,
  InvokeResult,
  Provider,
  ReadResult,
  UpdateResult,
} from '@pulumi/pulumi/provider/index.js';
import {
  type ComputedContext,
  mint,
  type Props,
  plain,
  type SandboxPackage,
  type SpecContext,
  type TypeSpec,
  UNKNOWN,
} from './model.ts';
import { mutateStackFile, readStackFile, type SandboxRecord } from './store.ts';
import { specFor, TABLES } from './types/index.ts';

export interface SandboxProviderOptions {
  pkg: SandboxPackage;
  /** Must equal the installed `@pulumi/<pkg>` version, or the engine will not pick the plugin. */
  version: string;
  /** Store directory; read per call so tests can point each run elsewhere. */
  dir?: () => string;
}

export interface ParsedUrn {
  stack: string;
  project: string;
  type: string;
  name: string;
}

/** `urn:pulumi:<stack>::<project>::<parent$...$type>::<name>` */
export function parseUrn(urn: string): ParsedUrn {
  const body = urn.replace(/^urn:pulumi:/, '');
  const [stack = '', project = '', qualifiedType = '', ...rest] = body.split('::');
  return {
    stack,
    project,
    type: qualifiedType.split('$').at(-1) ?? qualifiedType,
    name: rest.join('::'),
  };
}

export function sandboxDirFromEnv(): string {
  const dir = process.env.BLKSHP_SANDBOX_DIR;
  if (!dir)
    throw new Error('BLKSHP_SANDBOX_DIR is not set: the sandbox does not know where to keep state');
  return dir;
}

export function createSandboxProvider(options: SandboxProviderOptions): Provider {
  const { pkg, version } = options;
  const dir = options.dir ?? sandboxDirFromEnv;
  const table = TABLES[pkg];

  return {
    version,

    async check(urn, olds, news): Promise<CheckResult> {
      const { type, name } = parseUrn(urn);
      return { inputs: checkInputs(specFor(type), name, olds as Props | undefined, news as Props) };
    },

    async diff(_id, urn, olds, news): Promise<DiffResult> {
      return replacementsOf(specFor(parseUrn(urn).type), olds as Props, news as Props);
    },

    async create(urn, inputs): Promise<CreateResult> {
      const u = parseUrn(urn);
      const spec = specFor(u.type);
      const ctx: SpecContext = { inputs, name: u.name, type: u.type, stack: u.stack };
      const id = spec.id(ctx);
      const outputs = outputsOf(spec, ctx, id);
      await mutateStackFile(dir(), u.stack, pkg, (file) => {
        if (spec.overwrites) {
          file.resources = file.resources.filter((r) => !(r.type === u.type && r.id === id));
        }
        const clash = findClash(file.resources, spec, u.type, id, inputs);
        if (clash) throw new Error(clash);
        const now = mint.now();
        file.resources.push({
          urn,
          type: u.type,
          name: u.name,
          id,
          inputs,
          outputs,
          createdAt: now,
          updatedAt: now,
        });
      });
      return { id, outs: outputs };
    },

    async read(id, urn): Promise<ReadResult> {
      const u = parseUrn(urn);
      const file = await readStackFile(dir(), u.stack, pkg);
      const record = file.resources.find((r) => r.type === u.type && r.id === id);
      // An empty id tells the engine the resource is gone (deleted out of band).
      if (!record) return { id: '', props: {} };
      return { id, props: record.outputs, inputs: record.inputs };
    },

    async update(id, urn, olds, news): Promise<UpdateResult> {
      const u = parseUrn(urn);
      const spec = specFor(u.type);
      const outputs = await mutateStackFile(dir(), u.stack, pkg, (file) => {
        const record = file.resources.find((r) => r.type === u.type && r.id === id);
        if (!record) {
          throw new Error(
            `${u.type} ${id} no longer exists in the sandbox; refresh the stack to forget it`,
          );
        }
        const ctx: SpecContext = {
          inputs: news,
          name: u.name,
          type: u.type,
          stack: u.stack,
          prev: record.outputs ?? (olds as Props),
        };
        record.inputs = news;
        record.outputs = outputsOf(spec, ctx, id);
        record.urn = urn;
        record.updatedAt = mint.now();
        return record.outputs;
      });
      return { outs: outputs };
    },

    async delete(id, urn): Promise<void> {
      const u = parseUrn(urn);
      await mutateStackFile(dir(), u.stack, pkg, (file) => {
        file.resources = file.resources.filter((r) => !(r.type === u.type && r.id === id));
      });
    },

    async invoke(token, args): Promise<InvokeResult> {
      const handler = table.invokes[token];
      const plainArgs = (plain(args) ?? {}) as Props;
      // An unlisted data source echoes its arguments: enough for a preview not to fail.
      return { outputs: handler ? handler(plainArgs) : { ...plainArgs, id: mint.hex(12) } };
    },
  };
}

/** Inputs after the real provider's defaults and auto-naming. */
export function checkInputs(
  spec: TypeSpec,
  name: string,
  olds: Props | undefined,
  news: Props,
): Props {
  const inputs: Props = { ...spec.defaults, ...news };
  for (const [key, value] of Object.entries(spec.defaults ?? {})) {
    if (news[key] === undefined) inputs[key] = value;
  }
  const key = spec.autoName;
  if (key && news[key] === undefined) {
    // Keep the name across updates; a replacement re-runs check without olds and gets a new one.
    const old = olds?.[key];
    inputs[key] = typeof old === 'string' && old !== '' ? old : autoName(name, news);
  }
  return inputs;
}

/**
 * A name with a suffix derived from the inputs, not drawn at random: the Node provider server
 * gets no random seed from the engine, and a preview and the update that carries out its plan
 * must produce the same name or the engine refuses the update as a plan violation. Changed
 * inputs (a replacement) still get a new name, as the real providers' auto-naming does.
 */
function autoName(name: string, news: Props): string {
  const base = name.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  const digest = createHash('sha256')
    .update(`${name}\n${JSON.stringify(news)}`)
    .digest('hex');
  return `${base}-${digest.slice(0, 7)}`;
}

/**
 * Which changed inputs force a replacement. `olds` are the old outputs, which hold the old inputs
 * under the same keys. An input the program leaves out keeps the cloud's value (optional and
 * computed in Terraform terms), so it never replaces.
 */
export function replacementsOf(spec: TypeSpec, olds: Props, news: Props): DiffResult {
  const replaces = (spec.replaceOn ?? []).filter(
    (key) => news[key] !== undefined && changed(olds[key], news[key]),
  );
  const unique = spec.uniqueName;
  const keepsUniqueName =
    unique !== undefined && news[unique] !== undefined && !changed(olds[unique], news[unique]);
  return {
    replaces,
    deleteBeforeReplace: replaces.length > 0 && keepsUniqueName,
  };
}

function changed(before: unknown, after: unknown): boolean {
  const b = plain(before);
  const a = plain(after);
  if (containsUnknown(a)) return true;
  return JSON.stringify(canonical(b)) !== JSON.stringify(canonical(a));
}

function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (typeof value === 'object' && value !== null)
    return Object.values(value).some(containsUnknown);
  return false;
}

/** Sorted keys, so that key order never reads as a change. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Props)[k])]),
    );
  }
  return value;
}

export function outputsOf(spec: TypeSpec, ctx: SpecContext, id: string): Props {
  const computedCtx: ComputedContext = {
    ...ctx,
    id,
    // What the program set wins; then what the cloud already assigned; then something new.
    keep: (key, make) => ctx.inputs[key] ?? ctx.prev?.[key] ?? make(),
  };
  return { ...ctx.inputs, ...spec.computed?.(computedCtx) };
}

/** The error a cloud gives for a duplicate, or undefined. */
function findClash(
  records: SandboxRecord[],
  spec: TypeSpec,
  type: string,
  id: string,
  inputs: Props,
): string | undefined {
  if (records.some((r) => r.type === type && r.id === id)) {
    return `${type} ${id} already exists in the sandbox`;
  }
  const key = spec.uniqueName;
  const value = key ? plain(inputs[key]) : undefined;
  if (key === undefined || value === undefined) return undefined;
  const other = records.find((r) => r.type === type && plain(r.inputs[key]) === value);
  return other
    ? `${type} with ${key} "${String(value)}" already exists in the sandbox (${other.id})`
    : undefined;
}
