/**
 * Argument parsing for `blkshp sandbox change <resource> <path=value>... [-<path>]...`, kept here
 * so the command line stays a thin adapter.
 *
 * - `<resource>` is a logical name or id, optionally `<type>::<name>` to pick among equal names.
 * - `path=value` sets a dotted path; the value is parsed as JSON when it is valid JSON
 *   (`22`, `true`, `["0.0.0.0/0"]`, `{"protocol":"tcp"}`), else taken as a string.
 * - `-path` removes a path; a list element is spliced out (`-rules.0`).
 */
import type { ResourceSelector } from './console.ts';

export interface SandboxChangeRequest {
  selector: ResourceSelector;
  set: Record<string, unknown>;
  unset: string[];
}

export function parseSandboxChange(args: readonly string[]): SandboxChangeRequest {
  const [resource, ...assignments] = args;
  if (!resource) throw new Error('name the resource to change, e.g. `web-fw inboundRules.+=...`');
  const split = resource.lastIndexOf('::');
  const selector: ResourceSelector =
    split > 0
      ? { type: resource.slice(0, split), name: resource.slice(split + 2) }
      : { name: resource };

  const set: Record<string, unknown> = {};
  const unset: string[] = [];
  for (const arg of assignments) {
    if (arg.startsWith('-')) {
      unset.push(arg.slice(1));
      continue;
    }
    const eq = arg.indexOf('=');
    if (eq <= 0) throw new Error(`"${arg}" is neither path=value nor -path`);
    set[arg.slice(0, eq)] = parseValue(arg.slice(eq + 1));
  }
  if (Object.keys(set).length === 0 && unset.length === 0) {
    throw new Error('nothing to change: give at least one path=value or -path');
  }
  return { selector, set, unset };
}

function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
