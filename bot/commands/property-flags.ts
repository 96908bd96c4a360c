/**
 * `/blkshp add-property --slug grand --cloud digitalocean ...`: inline flags to the input of
 * `parsePropertySpec`. This only reshapes text; the spec's own schema judges the values.
 */

export interface FlagProblem {
  flag: string;
  message: string;
}

type FieldKind = 'text' | 'list' | 'boolean' | 'number';

/** Flag name (and its aliases) to spec field and shape. */
const FLAGS: Record<string, { field: string; kind: FieldKind }> = {
  slug: { field: 'slug', kind: 'text' },
  name: { field: 'name', kind: 'text' },
  cloud: { field: 'cloud', kind: 'text' },
  region: { field: 'region', kind: 'text' },
  tier: { field: 'tier', kind: 'text' },
  domain: { field: 'domain', kind: 'text' },
  'admin-cidr': { field: 'adminCidrs', kind: 'list' },
  'admin-cidrs': { field: 'adminCidrs', kind: 'list' },
  'ssh-key': { field: 'sshPublicKeys', kind: 'list' },
  'ssh-keys': { field: 'sshPublicKeys', kind: 'list' },
  'alert-email': { field: 'alertEmails', kind: 'list' },
  'alert-emails': { field: 'alertEmails', kind: 'list' },
  pci: { field: 'pci', kind: 'boolean' },
  'backup-retention-days': { field: 'backupRetentionDays', kind: 'number' },
  'frappe-version': { field: 'frappeVersion', kind: 'text' },
};

/** The spec field each flag fills, for mapping validation issues back to flags. */
export function flagOfField(field: string): string {
  const root = field.split('.')[0] ?? field;
  const entry = Object.entries(FLAGS).find(([, v]) => v.field === root);
  return entry ? `--${entry[0]}` : field;
}

export function propertyInputFromFlags(flags: Map<string, Array<string | true>>): {
  input: Record<string, unknown>;
  problems: FlagProblem[];
} {
  const input: Record<string, unknown> = {};
  const problems: FlagProblem[] = [];

  for (const [flag, values] of flags) {
    const spec = FLAGS[flag];
    if (!spec) {
      problems.push({ flag: `--${flag}`, message: 'is not a property field' });
      continue;
    }
    const texts = values.filter((v): v is string => v !== true);
    switch (spec.kind) {
      case 'list': {
        // SSH keys hold no commas but do hold spaces; the other lists may be comma-separated.
        const items = spec.field === 'sshPublicKeys' ? texts : texts.flatMap((t) => t.split(','));
        const previous = (input[spec.field] as string[] | undefined) ?? [];
        input[spec.field] = [...previous, ...items.map((i) => i.trim()).filter(Boolean)];
        break;
      }
      case 'boolean': {
        const last = values.at(-1);
        if (last === true || last === 'true' || last === 'yes') input[spec.field] = true;
        else if (last === 'false' || last === 'no') input[spec.field] = false;
        else problems.push({ flag: `--${flag}`, message: 'takes no value, or true / false' });
        break;
      }
      case 'number': {
        const last = texts.at(-1);
        if (last !== undefined && /^\d+$/.test(last)) input[spec.field] = Number(last);
        else problems.push({ flag: `--${flag}`, message: 'must be a whole number' });
        break;
      }
      default: {
        const last = texts.at(-1);
        if (last === undefined) problems.push({ flag: `--${flag}`, message: 'needs a value' });
        else input[spec.field] = last;
      }
    }
  }
  return { input, problems };
}
