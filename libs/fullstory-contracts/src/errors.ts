/** The request did not complete within its timeout (connect, headers or body). Retryable. */
export class FullStoryTimeoutError extends Error {
  readonly code = 'timeout' as const;
  constructor(message: string) {
    super(message);
    this.name = 'FullStoryTimeoutError';
  }
}

/** The request failed below HTTP (DNS, refused/reset connection, socket closed, TLS...). Retryable. */
export class FullStoryNetworkError extends Error {
  readonly code = 'network' as const;
  /** The low-level error code when known, e.g. `ECONNREFUSED`, `UND_ERR_SOCKET`. */
  readonly causeCode?: string;
  constructor(message: string, causeCode?: string) {
    super(message);
    this.name = 'FullStoryNetworkError';
    this.causeCode = causeCode;
  }
}

/** The request was not sent: its URL or resolved address is not one a FullStory key may go to. Permanent. */
export class FullStoryHostRefusedError extends Error {
  readonly code = 'host_refused' as const;
  constructor(message: string) {
    super(message);
    this.name = 'FullStoryHostRefusedError';
  }
}
