/**
 * The "add a property" modal, reading its submitted state back into the input of
 * `parsePropertySpec`, and mapping that parser's field issues onto the modal's blocks.
 * Each input block's `block_id` is the spec field it fills.
 */
import type { FieldIssue } from '../../infra/errors.ts';
import { CLOUDS, REGIONS } from '../../infra/properties/regions.ts';
import { TIER_NAMES } from '../../infra/tiers/catalog.ts';
import { clip } from './limits.ts';

export const ADD_PROPERTY_VIEW = 'blkshp_add_property';

const plain = (text: string) => ({ type: 'plain_text' as const, text });
const option = (value: string) => ({ text: plain(value), value });

type FieldKind = 'text' | 'lines' | 'select' | 'checkbox' | 'number';

interface FormField {
  field: string;
  label: string;
  kind: FieldKind;
  optional?: boolean;
  hint?: string;
  options?: readonly string[];
  placeholder?: string;
}

const FIELDS: FormField[] = [
  {
    field: 'slug',
    label: 'Slug',
    kind: 'text',
    placeholder: 'grand-hotel',
    hint: 'DNS-safe name, unique, e.g. grand-hotel',
  },
  { field: 'name', label: 'Display name', kind: 'text', placeholder: 'The Grand Hotel' },
  { field: 'cloud', label: 'Cloud', kind: 'select', options: CLOUDS },
  {
    field: 'region',
    label: 'Region',
    kind: 'text',
    placeholder: 'nyc3',
    hint: CLOUDS.map((c) => `${c}: ${Object.keys(REGIONS[c]).slice(0, 4).join(', ')}…`).join(' | '),
  },
  { field: 'tier', label: 'Tier', kind: 'select', options: TIER_NAMES },
  { field: 'domain', label: 'Domain', kind: 'text', placeholder: 'erp.grandhotel.com' },
  { field: 'alertEmails', label: 'Alert e-mails', kind: 'lines', hint: 'One address per line' },
  {
    field: 'adminCidrs',
    label: 'Admin CIDRs (SSH)',
    kind: 'lines',
    optional: true,
    hint: 'One range per line; empty keeps SSH closed',
  },
  {
    field: 'sshPublicKeys',
    label: 'SSH public keys',
    kind: 'lines',
    optional: true,
    hint: 'One key per line',
  },
  {
    field: 'backupRetentionDays',
    label: 'Backup retention (days)',
    kind: 'number',
    optional: true,
    hint: 'Empty uses the tier minimum',
  },
  { field: 'pci', label: 'Compliance', kind: 'checkbox', optional: true },
];

const ACTION = 'value';

export interface FormMetadata {
  channelId: string | null;
}

export function propertyFormView(metadata: FormMetadata) {
  return {
    type: 'modal' as const,
    callback_id: ADD_PROPERTY_VIEW,
    private_metadata: JSON.stringify(metadata),
    title: plain('Add a property'),
    submit: plain('Preview'),
    close: plain('Cancel'),
    blocks: FIELDS.map(inputBlock),
  };
}

function inputBlock(f: FormField) {
  return {
    type: 'input' as const,
    block_id: f.field,
    optional: f.optional ?? false,
    label: plain(f.label),
    ...(f.hint ? { hint: plain(clip(f.hint, 150)) } : {}),
    element: elementOf(f),
  };
}

function elementOf(f: FormField) {
  const placeholder = f.placeholder ? { placeholder: plain(f.placeholder) } : {};
  switch (f.kind) {
    case 'select':
      return {
        type: 'static_select' as const,
        action_id: ACTION,
        options: (f.options ?? []).map(option),
      };
    case 'checkbox':
      return {
        type: 'checkboxes' as const,
        action_id: ACTION,
        options: [{ text: plain('PCI: this property handles card payments'), value: 'pci' }],
      };
    case 'number':
      return { type: 'number_input' as const, action_id: ACTION, is_decimal_allowed: false };
    case 'lines':
      return {
        type: 'plain_text_input' as const,
        action_id: ACTION,
        multiline: true,
        ...placeholder,
      };
    default:
      return { type: 'plain_text_input' as const, action_id: ACTION, ...placeholder };
  }
}

/** What Slack sends back for one input element. */
interface ElementState {
  type?: string;
  value?: string | null;
  selected_option?: { value: string } | null;
  selected_options?: Array<{ value: string }>;
}

export type ViewStateValues = Record<string, Record<string, ElementState>>;

/** The submitted modal as `parsePropertySpec` input. Empty optional fields are left out. */
export function propertyInputFromForm(values: ViewStateValues): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const f of FIELDS) {
    const state = values[f.field]?.[ACTION];
    if (!state) continue;
    switch (f.kind) {
      case 'select':
        if (state.selected_option) input[f.field] = state.selected_option.value;
        break;
      case 'checkbox':
        input[f.field] = (state.selected_options ?? []).some((o) => o.value === 'pci');
        break;
      case 'number':
        if (state.value) input[f.field] = Number(state.value);
        break;
      case 'lines': {
        // Keys hold spaces and no commas: one per line. The other lists also split on commas.
        const separator = f.field === 'sshPublicKeys' ? /\r?\n/ : /[\r\n,]+/;
        input[f.field] = (state.value ?? '')
          .split(separator)
          .map((line) => line.trim())
          .filter(Boolean);
        break;
      }
      default:
        if (state.value?.trim()) input[f.field] = state.value.trim();
    }
  }
  return input;
}

/**
 * Field issues as Slack's `response_action: 'errors'` map: one message per block, issues about
 * list items prefixed with their line number, issues about no particular field on the slug.
 */
export function formErrors(issues: readonly FieldIssue[]): Record<string, string> {
  const blocks = new Set(FIELDS.map((f) => f.field));
  const errors: Record<string, string[]> = {};
  for (const issue of issues) {
    const [root = '', index] = issue.field.split('.');
    const block = blocks.has(root) ? root : 'slug';
    const prefix = index !== undefined && /^\d+$/.test(index) ? `line ${Number(index) + 1}: ` : '';
    const message = blocks.has(root)
      ? `${prefix}${issue.message}`
      : `${issue.field} ${issue.message}`;
    const list = errors[block] ?? [];
    list.push(message);
    errors[block] = list;
  }
  return Object.fromEntries(
    Object.entries(errors).map(([block, messages]) => [block, clip(messages.join('; '), 500)]),
  );
}
