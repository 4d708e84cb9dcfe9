import http from 'http';
import { AddressInfo } from 'net';
import { gunzipSync } from 'zlib';

/**
 * An HTTP gate in front of the ingest API for a Segment client: it forwards the first `open` calls and
 * holds every later one unanswered. The client is then caught mid-flush, with a known number of events
 * stored, for as long as the test likes.
 */
export class BatchGate {
  private server?: http.Server;
  private readonly heldResponses: http.ServerResponse[] = [];
  /** Calls forwarded and answered 200 by the ingest API. */
  forwardedCalls = 0;
  /** Events in the calls forwarded and answered 200. */
  forwardedEvents = 0;
  /** Calls held without an answer. */
  held = 0;
  private admitted = 0;

  constructor(
    private readonly target: string,
    private readonly open: number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (this.admitted >= this.open) {
      this.held += 1;
      this.heldResponses.push(res);
      return;
    }
    this.admitted += 1;
    const body = Buffer.concat(chunks);
    const headers: Record<string, string> = {};
    for (const name of ['authorization', 'content-type', 'content-encoding', 'user-agent']) {
      const v = req.headers[name];
      if (typeof v === 'string') headers[name] = v;
    }
    const upstream = await fetch(`${this.target}${req.url}`, { method: req.method, headers, body });
    const text = await upstream.text();
    if (upstream.status === 200) {
      const json = headers['content-encoding'] === 'gzip' ? gunzipSync(body).toString() : body.toString();
      this.forwardedEvents += (JSON.parse(json) as { batch: unknown[] }).batch.length;
      this.forwardedCalls += 1;
    }
    res.writeHead(upstream.status, { 'Content-Type': upstream.headers.get('content-type') ?? 'application/json' });
    res.end(text);
  }

  async stop(): Promise<void> {
    for (const res of this.heldResponses) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
