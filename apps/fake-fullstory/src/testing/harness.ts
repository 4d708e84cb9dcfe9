import { FastifyInstance } from 'fastify';
import { buildFakeApp, FakeAppOptions } from '../app';

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: unknown;
}

/** In-process helper for tests: the fake plus a manual clock and small request helpers. */
export class Harness {
  readonly app: FastifyInstance;
  clock = Date.parse('2024-01-01T00:00:00.000Z');

  constructor(options: FakeAppOptions = {}) {
    this.app = buildFakeApp({ now: () => this.clock, ...options });
  }

  advance(ms: number): void {
    this.clock += ms;
  }

  async call(
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
    key: string | null = 'test-api-key',
  ): Promise<Reply> {
    const h: Record<string, string> = { 'content-type': 'application/json', ...headers };
    if (key !== null) h.authorization = `Basic ${key}`;
    const res = await this.app.inject({
      method,
      url,
      headers: h,
      payload: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    let parsed: unknown = null;
    if (res.body !== '') {
      try {
        parsed = JSON.parse(res.body);
      } catch {
        parsed = res.body;
      }
    }
    return { status: res.statusCode, headers: res.headers, body: parsed };
  }

  control(method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown): Promise<Reply> {
    return this.call(method, url, body, {}, null);
  }

  close(): Promise<void> {
    return this.app.close();
  }
}
