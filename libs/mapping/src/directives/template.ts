import { compilePath, splitPath, getIn } from '../path/path';

const TRIPLE = /\{\{\{([^}]+)\}\}\}/g;
const DOUBLE = /\{\{([^}]+)\}\}/g;

function toText(value: unknown): string {
  if (value === null || value === undefined) return '';
  return String(value);
}

const pathCache = new Map<string, string[]>();
function lookup(data: unknown, raw: string): unknown {
  const p = raw.trim();
  let segs = pathCache.get(p);
  if (!segs) {
    segs = splitPath(p);
    if (pathCache.size < 10000) pathCache.set(p, segs);
  }
  return getIn(data, segs);
}

/** Renders `{{{ p }}}` first, then `{{ p }}`; no escaping; missing/null → "". */
export function renderTemplate(template: string, data: unknown): string {
  return template
    .replace(TRIPLE, (_m, p: string) => toText(lookup(data, p)))
    .replace(DOUBLE, (_m, p: string) => toText(lookup(data, p)));
}

/** Precompiles a template: fast path when there are no triple braces. */
export function compileTemplate(template: string): (data: unknown) => string {
  if (template.includes('{{{')) return (data) => renderTemplate(template, data);
  const literals: string[] = [];
  const getters: Array<(d: unknown) => unknown> = [];
  let last = 0;
  for (const m of template.matchAll(DOUBLE)) {
    const index = m.index ?? 0;
    literals.push(template.slice(last, index));
    getters.push(compilePath(m[1].trim()));
    last = index + m[0].length;
  }
  literals.push(template.slice(last));
  if (getters.length === 0) return () => template;
  return (data) => {
    let out = literals[0];
    for (let i = 0; i < getters.length; i++) out += toText(getters[i](data)) + literals[i + 1];
    return out;
  };
}
