/**
 * The URL as Segment's reference destination would send it: its HTTP client parses every URL with WHATWG
 * rules, which resolve `.` and `..` path segments (plain or `%2E`-escaped). We encode a uid of `.` or `..`
 * instead of letting it climb to another endpoint (encodePathSegment), so the vectors compare our URL after
 * this resolution: a deliberate deviation, named in docs/architecture.md. Any other URL is returned as is.
 */
export function referenceUrl(url: string): string {
  const origin = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(url)?.[0] ?? '';
  const path = url.slice(origin.length);
  const q = path.indexOf('?');
  const pathname = q < 0 ? path : path.slice(0, q);
  const decoded = pathname
    .split('/')
    .map((seg) => (/^(?:%2e){1,2}$/i.test(seg) ? seg.replace(/%2e/gi, '.') : seg))
    .join('/');
  if (decoded === pathname) return url;
  return origin + resolveDotSegments(decoded + (q < 0 ? '' : path.slice(q)));
}

/**
 * Resolves `.` and `..` path segments as the reference's HTTP client does (it parses every URL
 * with WHATWG URL rules): a uid of `..` turns `/users/v1/individual/../customevent` into
 * `/users/v1/customevent`. Only the path is touched, never the query; a `..` never climbs above `/`.
 * encodeURIComponent leaves `.` unescaped and escapes `%`, so plain dots are the only dot segments a
 * uid can make.
 */
function resolveDotSegments(path: string): string {
  if (!path.includes('/.')) return path;
  const q = path.indexOf('?');
  const pathname = q < 0 ? path : path.slice(0, q);
  if (!/(^|\/)\.\.?(\/|$)/.test(pathname)) return path;
  const segments = pathname.split('/');
  const out: string[] = [];
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    const last = i === segments.length - 1;
    if (seg === '.' || seg === '..') {
      if (seg === '..' && out.length > 1) out.pop();
      // A trailing dot segment leaves the path ending in "/".
      if (last) out.push('');
      continue;
    }
    out.push(seg);
  }
  return out.join('/') + (q < 0 ? '' : path.slice(q));
}
