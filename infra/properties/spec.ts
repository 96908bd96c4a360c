/**
 * The property spec: the one description of a hotel property that the API, the Slack bot, the
 * stack config and the Pulumi programs all share. `parsePropertySpec` reports every problem at
 * once, each with the field path (`adminCidrs.0`) and the rule in plain words.
 *
 * Uniqueness of `slug` across properties is the store's job (it needs the other properties).
 */
import { z } from 'zod';
import type { FieldIssue } from '../errors.ts';
import { minRetentionDays, TIER_NAMES, type TierName } from '../tiers/catalog.ts';
import { checkSshCidr } from './cidr.ts';
import { CLOUDS, type Cloud, isKnownRegion, regionsOf } from './regions.ts';
import { checkSshPublicKey } from './ssh-key.ts';

/** A pinned v15 release: reproducible, unlike the moving `version-15` tag. */
export const DEFAULT_FRAPPE_VERSION = 'v15.45.0';
export const MAX_RETENTION_DAYS = 3650;

// A DNS label that also starts with a letter, because GCP resource names must.
const SLUG = /^[a-z][a-z0-9-]{1,38}[a-z0-9]$/;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const FRAPPE_TAG = /^(v(1[5-9])\.\d{1,3}\.\d{1,3}|version-(1[5-9]))$/;

const slug = z
  .string()
  .regex(SLUG, {
    message:
      'must be 3 to 40 characters of a-z, 0-9 and "-", start with a letter and not end with "-"',
  })
  .refine((value) => !value.includes('--'), { message: 'must not contain "--"' });

const domain = z
  .string()
  .trim()
  .toLowerCase()
  .refine(isHostInZone, {
    message:
      'must be a host name inside a DNS zone you manage, e.g. erp.grandhotel.com ' +
      '(at least three labels of a-z, 0-9 and "-"; the record goes into the parent zone)',
  });

const cidr = z.string().superRefine((value, ctx) => {
  const check = checkSshCidr(value.trim());
  if (!check.ok) ctx.addIssue({ code: 'custom', message: check.reason });
});

const sshKey = z.string().superRefine((value, ctx) => {
  const check = checkSshPublicKey(value);
  if (!check.ok) ctx.addIssue({ code: 'custom', message: check.reason });
});

export const propertySpecSchema = z
  .object({
    slug,
    name: z.string().trim().min(1, 'must not be empty').max(100, 'must be 100 characters or less'),
    cloud: z.enum(CLOUDS, { message: `must be one of ${CLOUDS.join(', ')}` }),
    region: z.string().min(1, 'must not be empty'),
    tier: z.enum(TIER_NAMES, { message: `must be one of ${TIER_NAMES.join(', ')}` }),
    domain,
    // Empty means SSH stays closed to everyone.
    adminCidrs: z.array(cidr).max(20, 'at most 20 ranges (firewall rule limits)').default([]),
    sshPublicKeys: z.array(sshKey).max(20, 'at most 20 keys').default([]),
    alertEmails: z
      .array(z.email({ message: 'must be an e-mail address' }))
      .min(1, 'needs at least one address for CPU, memory and disk alerts')
      .max(10, 'at most 10 addresses'),
    pci: z.boolean({ message: 'must be true or false' }).default(false),
    backupRetentionDays: z
      .number({ message: 'must be a number of days' })
      .int('must be a whole number of days')
      .max(MAX_RETENTION_DAYS, `must be at most ${MAX_RETENTION_DAYS} days`)
      .optional(),
    frappeVersion: z
      .string()
      .regex(FRAPPE_TAG, {
        message: 'must be an image tag of Frappe 15 or newer, like v15.45.0 or version-15',
      })
      .default(DEFAULT_FRAPPE_VERSION),
  })
  .strict()
  .superRefine((spec, ctx) => {
    for (const issue of crossFieldIssues(spec)) {
      ctx.addIssue({ code: 'custom', path: [issue.field], message: issue.message });
    }
  })
  .transform((spec) => ({
    ...spec,
    adminCidrs: spec.adminCidrs.map((value) => value.trim()),
    sshPublicKeys: spec.sshPublicKeys.map((value) => value.trim()),
    backupRetentionDays: spec.backupRetentionDays ?? minRetentionDays(spec.tier),
  }));

export type PropertySpec = z.infer<typeof propertySpecSchema>;
/** What callers may send: defaults (pci, backupRetentionDays, frappeVersion, ...) optional. */
export type PropertySpecInput = z.input<typeof propertySpecSchema>;

export type ParseResult = { ok: true; spec: PropertySpec } | { ok: false; issues: FieldIssue[] };

export function parsePropertySpec(input: unknown): ParseResult {
  const result = propertySpecSchema.safeParse(input);
  if (result.success) return { ok: true, spec: result.data };

  // zod skips object-level refinements once a field fails; run them on the raw input so that
  // the caller still sees every problem in one answer.
  const issues = result.error.issues.map(toFieldIssue);
  const seen = new Set(issues.map((issue) => `${issue.field}\n${issue.message}`));
  if (typeof input === 'object' && input !== null) {
    for (const issue of crossFieldIssues(input as Record<string, unknown>)) {
      if (!seen.has(`${issue.field}\n${issue.message}`)) issues.push(issue);
    }
  }
  return { ok: false, issues };
}

/** Rules that relate two fields. Defensive: the input may not have passed the field rules. */
function crossFieldIssues(spec: Record<string, unknown>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const cloud = (CLOUDS as readonly unknown[]).includes(spec.cloud) ? (spec.cloud as Cloud) : null;
  const tier = (TIER_NAMES as readonly unknown[]).includes(spec.tier)
    ? (spec.tier as TierName)
    : null;

  if (cloud && typeof spec.region === 'string' && !isKnownRegion(cloud, spec.region)) {
    issues.push({
      field: 'region',
      message: `must be one of the ${cloud} regions we support: ${regionsOf(cloud).join(', ')}`,
    });
  }
  const retention = spec.backupRetentionDays;
  if (tier && typeof retention === 'number' && retention < minRetentionDays(tier)) {
    issues.push({
      field: 'backupRetentionDays',
      message: `must be at least ${minRetentionDays(tier)} days on the ${tier} tier`,
    });
  }
  if (spec.pci === true && tier === 'starter') {
    issues.push({
      field: 'pci',
      message:
        'PCI properties need the standard or enterprise tier: the strict baseline keeps ' +
        'app servers behind a load balancer without public addresses',
    });
  }
  const cidrs = Array.isArray(spec.adminCidrs) ? spec.adminCidrs.length : 0;
  const keys = Array.isArray(spec.sshPublicKeys) ? spec.sshPublicKeys.length : 0;
  if (cidrs > 0 && keys === 0) {
    issues.push({
      field: 'sshPublicKeys',
      message: 'needs at least one key when adminCidrs opens SSH (passwords are disabled)',
    });
  }
  return issues;
}

function toFieldIssue(issue: z.core.$ZodIssue): FieldIssue {
  const field = issue.path.map(String).join('.') || '(spec)';
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    return { field, message: 'is required' };
  }
  if (issue.code === 'unrecognized_keys') {
    return { field, message: `unknown field(s): ${issue.keys.join(', ')}` };
  }
  return { field, message: issue.message };
}

function isHostInZone(value: string): boolean {
  if (value.length > 253) return false;
  const labels = value.split('.');
  const tld = labels.at(-1) ?? '';
  return labels.length >= 3 && labels.every((l) => LABEL.test(l)) && /^[a-z]{2,63}$/.test(tld);
}

/** The DNS zone the property's record goes into: the domain without its first label. */
export function dnsZoneOf(spec: Pick<PropertySpec, 'domain'>): { zone: string; host: string } {
  const [host = '', ...rest] = spec.domain.split('.');
  return { zone: rest.join('.'), host };
}
