import { hasOwn } from '../util/types';

/**
 * Splits a mapping path into segments (mapping-and-triggers.md §2):
 * at `.`, at `[` followed by a digit or a quote, at runs of `]` preceded by a digit or a quote;
 * empty segments are dropped and every quote character is removed.
 */
export function splitPath(path: string): string[] {
  const out: string[] = [];
  for (const raw of path.split(/\.|\[(?=[0-9'"])|(?<=[0-9'"])\]+/)) {
    if (raw === '') continue;
    const seg = raw.replace(/['"]/g, '');
    out.push(seg);
  }
  return out;
}

/**
 * Walks pre-split segments: `current = current && current[segment]`, never returning inherited members.
 */
export function getIn(root: unknown, segments: readonly string[]): unknown {
  let current: unknown = root;
  for (let i = 0; i < segments.length; i++) {
    if (!current) return current;
    const seg = segments[i];
    current = hasOwn(current, seg) ? (current as Record<string, unknown>)[seg] : undefined;
  }
  return current;
}

/** Convenience: split and look up in one go (not for hot paths). */
export function getPath(root: unknown, path: string): unknown {
  return getIn(root, splitPath(path));
}

/** `@path`/`@arrayPath`: delete the first occurrence of `$.` anywhere in the path. */
export function stripDollar(path: string): string {
  return path.replace('$.', '');
}

/** Compiles a lookup function for a fixed path. */
export function compilePath(path: string): (root: unknown) => unknown {
  const segments = splitPath(path);
  if (segments.length === 0) return (root) => root;
  if (segments.length === 1) {
    const a = segments[0];
    return (root) => (root ? (hasOwn(root, a) ? (root as Record<string, unknown>)[a] : undefined) : root);
  }
  if (segments.length === 2) {
    const a = segments[0];
    const b = segments[1];
    return (root) => {
      if (!root) return root;
      const x = hasOwn(root, a) ? (root as Record<string, unknown>)[a] : undefined;
      if (!x) return x;
      return hasOwn(x, b) ? (x as Record<string, unknown>)[b] : undefined;
    };
  }
  return (root) => getIn(root, segments);
}
