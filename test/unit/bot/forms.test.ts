import { describe, expect, it } from 'vitest';
import {
  formErrors,
  propertyFormView,
  propertyInputFromForm,
} from '../../../bot/views/property-form.ts';
import { parsePropertySpec } from '../../../infra/properties/spec.ts';

describe('the property form', () => {
  it('has one input block per spec field, named by the field', () => {
    const ids = propertyFormView({ channelId: 'C1' }).blocks.map((b) => b.block_id);
    expect(ids).toEqual(
      expect.arrayContaining(['slug', 'name', 'cloud', 'region', 'tier', 'domain', 'alertEmails']),
    );
  });

  it('reads submitted state into parser input, leaving empty optional fields out', () => {
    const input = propertyInputFromForm({
      slug: { value: { type: 'plain_text_input', value: ' grand ' } },
      cloud: { value: { type: 'static_select', selected_option: { value: 'aws' } } },
      alertEmails: { value: { type: 'plain_text_input', value: 'a@x.com, b@x.com\nc@x.com' } },
      sshPublicKeys: { value: { type: 'plain_text_input', value: 'ssh-ed25519 AAA a, b\n' } },
      adminCidrs: { value: { type: 'plain_text_input', value: null } },
      backupRetentionDays: { value: { type: 'number_input', value: null } },
      pci: { value: { type: 'checkboxes', selected_options: [{ value: 'pci' }] } },
    });
    expect(input).toEqual({
      slug: 'grand',
      cloud: 'aws',
      alertEmails: ['a@x.com', 'b@x.com', 'c@x.com'],
      sshPublicKeys: ['ssh-ed25519 AAA a, b'],
      adminCidrs: [],
      pci: true,
    });
  });

  it('maps parser issues onto blocks, with line numbers for list items', () => {
    const errors = formErrors([
      { field: 'adminCidrs.1', message: 'is not a CIDR' },
      { field: 'slug', message: 'is required' },
      { field: 'slug', message: 'is taken' },
      { field: '(spec)', message: 'unknown field(s): colour' },
    ]);
    expect(errors).toEqual({
      adminCidrs: 'line 2: is not a CIDR',
      slug: 'is required; is taken; (spec) unknown field(s): colour',
    });
  });

  it('turns every issue of an empty submission into a block error', () => {
    const parsed = parsePropertySpec(propertyInputFromForm({}));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const errors = formErrors(parsed.issues);
    expect(Object.keys(errors)).toEqual(
      expect.arrayContaining(['slug', 'name', 'cloud', 'tier', 'domain', 'alertEmails']),
    );
  });
});
