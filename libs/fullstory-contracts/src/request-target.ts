/**
 * The origin and the path (with query) of a request URL, the path exactly as written except that whole-segment
 * `.` and `..` (also `%2E` forms) become `%2E` / `%2E%2E`. A URL parser (WHATWG: undici, proxies, FullStory)
 * would otherwise resolve them, so a user id of `..` would turn `/users/v1/individual/../customvars` into
 * `/users/v1/customvars`, another endpoint.
 */
export function requestTarget(url: string): { origin: string; path: string } {
  const origin = new URL(url).origin;
  const authority = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(url);
  let rest = authority ? url.slice(authority[0].length) : '';
  const hash = rest.indexOf('#');
  if (hash !== -1) rest = rest.slice(0, hash);
  const queryAt = rest.indexOf('?');
  const rawPath = queryAt === -1 ? rest : rest.slice(0, queryAt);
  const query = queryAt === -1 ? '' : rest.slice(queryAt);
  const path = rawPath === '' ? '/' : rawPath.split('/').map(encodeDotSegment).join('/');
  return { origin, path: `${path.startsWith('/') ? '' : '/'}${path}${query}` };
}

const SINGLE_DOT = /^(\.|%2e)$/i;
const DOUBLE_DOT = /^(\.|%2e){2}$/i;

export function encodeDotSegment(segment: string): string {
  if (SINGLE_DOT.test(segment)) return '%2E';
  if (DOUBLE_DOT.test(segment)) return '%2E%2E';
  return segment;
}
