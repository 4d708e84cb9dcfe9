/** PromQL words that are not metric names (aggregation modifiers, set operators, literals). */
const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'inf',
  'nan',
]);

/**
 * The metric names a PromQL expression reads. A small tokenizer, enough for the rules and dashboard
 * shipped here: strings, label matchers, range and subquery brackets, grouping label lists and Grafana
 * variables are removed; what remains and is not a function call, a keyword or a number is a metric.
 */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\{?\w+\}?/g, ' ');
  const names = new Set<string>();
  for (const m of stripped.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const rest = stripped.slice((m.index ?? 0) + m[0].length);
    if (/^\s*\(/.test(rest) || KEYWORDS.has(m[0].toLowerCase())) continue;
    const before = stripped.slice(0, m.index ?? 0);
    if (/[0-9.]$/.test(before)) continue; // the exponent or unit of a number: 1e3, 5m
    names.add(m[0]);
  }
  return [...names].sort();
}

/** Metric names a Prometheus text exposition declares (# TYPE), with the series names histograms and summaries add. */
export function exportedNames(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    out.add(m[1]);
    if (m[2] === 'histogram') for (const s of ['_bucket', '_sum', '_count']) out.add(`${m[1]}${s}`);
    if (m[2] === 'summary') for (const s of ['_sum', '_count']) out.add(`${m[1]}${s}`);
  }
  return out;
}
