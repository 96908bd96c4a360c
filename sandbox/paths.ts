/**
 * Dotted property paths (`inboundRules.0.sourceAddresses`, `rules[1]`, `tags.+` to append) for
 * changing a record the way a person in a cloud console would.
 */
import { isObject, type Props } from './model.ts';

export function parsePath(path: string): string[] {
  const segments = path
    .replace(/\[(\d*)\]/g, (_, index: string) => `.${index === '' ? '+' : index}`)
    .split('.')
    .filter((s) => s !== '');
  if (segments.length === 0) throw new Error(`empty property path "${path}"`);
  return segments;
}

export function getPath(target: unknown, path: string): unknown {
  let node = target;
  for (const segment of parsePath(path)) {
    if (Array.isArray(node)) node = node[Number(segment)];
    else if (isObject(node)) node = node[segment];
    else return undefined;
  }
  return node;
}

/** Sets `path` in `target`, creating objects and arrays on the way (`+` appends). */
export function setPath(target: Props, path: string, value: unknown): void {
  const segments = parsePath(path);
  let node: unknown = target;
  for (const [i, segment] of segments.entries()) {
    const last = i === segments.length - 1;
    const nextIsIndex = /^(\d+|\+)$/.test(segments[i + 1] ?? '');
    if (Array.isArray(node)) {
      const index = segment === '+' ? node.length : Number(segment);
      if (!Number.isInteger(index)) throw new Error(`"${segment}" in "${path}" is not an index`);
      if (last) node[index] = value;
      else node = node[index] ??= nextIsIndex ? [] : {};
    } else if (isObject(node)) {
      if (last) node[segment] = value;
      else {
        const child = node[segment];
        if (typeof child !== 'object' || child === null) node[segment] = nextIsIndex ? [] : {};
        node = node[segment];
      }
    } else {
      throw new Error(`cannot set "${path}": "${segments.slice(0, i).join('.')}" is not an object`);
    }
  }
}

/** Removes `path`; an array element is spliced out so the rest close up. True if it existed. */
export function unsetPath(target: Props, path: string): boolean {
  const segments = parsePath(path);
  const parent = segments.length === 1 ? target : getPath(target, segments.slice(0, -1).join('.'));
  const key = segments.at(-1) ?? '';
  if (Array.isArray(parent)) {
    const index = Number(key);
    if (!Number.isInteger(index) || index >= parent.length) return false;
    parent.splice(index, 1);
    return true;
  }
  if (isObject(parent) && key in parent) {
    delete parent[key];
    return true;
  }
  return false;
}
