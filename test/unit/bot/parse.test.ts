import { describe, expect, it } from 'vitest';
import { parseCommand, tokenize } from '../../../bot/commands/parse.ts';
import { flagOfField, propertyInputFromFlags } from '../../../bot/commands/property-flags.ts';

describe('tokenize', () => {
  it.each([
    ['preview grand', ['preview', 'grand']],
    ['  up   grand  ', ['up', 'grand']],
    ['--ssh-key "ssh-ed25519 AAAA ops@x"', ['--ssh-key', 'ssh-ed25519 AAAA ops@x']],
    ['--name “The Grand”', ['--name', 'The Grand']],
    ["--name 'Hotel Ü'", ['--name', 'Hotel Ü']],
    ['--name ""', ['--name', '']],
    ['--name "unclosed words', ['--name', 'unclosed words']],
  ])('splits %j', (text, tokens) => {
    expect(tokenize(text)).toEqual(tokens);
  });
});

describe('parseCommand', () => {
  it('reads an empty command as help', () => {
    expect(parseCommand('').name).toBe('help');
  });

  it('lower-cases the subcommand and keeps positional arguments', () => {
    const parsed = parseCommand('SCALE grand enterprise');
    expect(parsed.name).toBe('scale');
    expect(parsed.args).toEqual(['grand', 'enterprise']);
  });

  it('collects repeated flags, `--flag=value`, and switches', () => {
    const parsed = parseCommand('add-property --admin-cidr a --admin-cidr=b --pci --slug x');
    expect(parsed.flags.get('admin-cidr')).toEqual(['a', 'b']);
    expect(parsed.flags.get('pci')).toEqual([true]);
    expect(parsed.flags.get('slug')).toEqual(['x']);
  });
});

describe('propertyInputFromFlags', () => {
  it('maps flags to spec fields, splitting lists on commas but not SSH keys', () => {
    const { flags } = parseCommand(
      'add-property --slug grand --alert-emails a@x.com,b@x.com --ssh-key "ssh-ed25519 A, B" ' +
        '--pci --backup-retention-days 30',
    );
    const { input, problems } = propertyInputFromFlags(flags);
    expect(problems).toEqual([]);
    expect(input).toEqual({
      slug: 'grand',
      alertEmails: ['a@x.com', 'b@x.com'],
      sshPublicKeys: ['ssh-ed25519 A, B'],
      pci: true,
      backupRetentionDays: 30,
    });
  });

  it('reports unknown flags and bad values by flag name', () => {
    const { flags } = parseCommand(
      'add-property --colour blue --backup-retention-days soon --tier',
    );
    const { problems } = propertyInputFromFlags(flags);
    expect(problems.map((p) => p.flag)).toEqual(['--colour', '--backup-retention-days', '--tier']);
  });

  it('names the flag behind a spec field for validation messages', () => {
    expect(flagOfField('adminCidrs.0')).toBe('--admin-cidr');
    expect(flagOfField('slug')).toBe('--slug');
    expect(flagOfField('(spec)')).toBe('(spec)');
  });
});
