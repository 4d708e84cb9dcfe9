/**
 * Who may use the control API. It has no auth (it is a test tool), so it must not be reachable from a web
 * page: a page can send a "simple" cross-origin POST (form or text/plain) without a CORS preflight, and DNS
 * rebinding lets a page reach 127.0.0.1 under its own host name. Requiring JSON forces the preflight the
 * fake never answers, and requiring a local Host defeats rebinding.
 */

export interface ControlRequest {
  method: string;
  /** The Host header as received (undefined when absent). */
  host: string | undefined;
  contentType: string | undefined;
  /** Whether the request announces a body (Content-Length > 0 or Transfer-Encoding). */
  hasBody: boolean;
}

export interface Refusal {
  status: 403 | 415;
  body: { message: string; code: string };
}

/** The host name of a Host header, lower-cased, without the port (`[::1]:4010` → `::1`). */
export function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end === -1 ? h : h.slice(1, end);
  }
  const colon = h.indexOf(':');
  return colon === -1 ? h : h.slice(0, colon);
}

export function isLoopbackName(name: string): boolean {
  return (
    name === 'localhost' ||
    name.endsWith('.localhost') ||
    name === '::1' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name)
  );
}

/** The media type of a Content-Type header, without parameters. */
export function mediaType(contentType: string | undefined): string | undefined {
  return contentType?.split(';')[0].trim().toLowerCase();
}

/** Why the control API refuses this request, or null when it may proceed. `extraHosts` are lower-case host names. */
export function controlRefusal(req: ControlRequest, extraHosts: readonly string[]): Refusal | null {
  const name = req.host === undefined ? undefined : hostName(req.host);
  if (name === undefined || !(isLoopbackName(name) || extraHosts.includes(name))) {
    return {
      status: 403,
      body: {
        message:
          'the control API answers only requests addressed to a local host (127.0.0.1, localhost, [::1]); ' +
          'FAKE_FULLSTORY_CONTROL_HOSTS lists further host names',
        code: 'forbidden',
      },
    };
  }
  const needsJson = req.method === 'POST' || req.hasBody || req.contentType !== undefined;
  if (needsJson && mediaType(req.contentType) !== 'application/json') {
    return {
      status: 415,
      body: { message: 'the control API accepts only Content-Type: application/json', code: 'unsupported_media_type' },
    };
  }
  return null;
}
