import { waitForDeliveries } from '../support/delivery';
import { SeededPair } from '../support/seed';
import { StackEnv, basicAuth, postJson, waitFor, withDb } from '../support/stack';
import { useStack } from '../support/use-stack';

/** Prometheus /metrics on ingest-api and delivery-worker, and the OpenAPI document at /docs. */
describe('metrics and API documentation', () => {
  const stack = useStack('dashboard_metrics');
  let env: StackEnv;
  let ingest: string;
  let worker: string;
  let seeded: SeededPair;
  // The spec's shorthands for the stack's parts (set once useStack's beforeAll has run).
  beforeAll(() => {
    ({ env, ingest, seeded } = stack);
    worker = `http://127.0.0.1:${env.WORKER_PORT}`;
  });

  const metricsOf = async (base: string): Promise<string> => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    return res.text();
  };
  const sample = (text: string, name: string, labels: Record<string, string>): number | undefined => {
    for (const line of text.split('\n')) {
      if (!line.startsWith(`${name}{`)) continue;
      if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.split(' ').pop());
    }
    return undefined;
  };

  it('counts received, accepted, duplicate and rejected events by source and type, unauthenticated', async () => {
    const auth = { Authorization: basicAuth(seeded.writeKey) };
    expect((await postJson(`${ingest}/v1/track`, { userId: 'u1', event: 'A', messageId: 'm-1' }, auth)).status).toBe(
      200,
    );
    expect((await postJson(`${ingest}/v1/track`, { userId: 'u1', event: 'A', messageId: 'm-1' }, auth)).status).toBe(
      200,
    );
    const batch = await postJson(
      `${ingest}/v1/batch`,
      {
        batch: [
          { type: 'identify', userId: 'u1', traits: { a: 1 } },
          { type: 'track', userId: 'u1' },
        ],
      },
      auth,
    );
    expect(batch.status).toBe(200);
    await waitForDeliveries(env, seeded.destinationId, 2, ['delivered']);

    const text = await metricsOf(ingest);
    const src = { source: seeded.sourceId };
    expect(sample(text, 'fsd_ingest_events_received_total', { ...src, type: 'track' })).toBe(3);
    expect(sample(text, 'fsd_ingest_events_accepted_total', { ...src, type: 'track' })).toBe(1);
    expect(sample(text, 'fsd_ingest_events_duplicate_total', { ...src, type: 'track' })).toBe(1);
    expect(sample(text, 'fsd_ingest_events_rejected_total', { ...src, type: 'track' })).toBe(1);
    expect(sample(text, 'fsd_ingest_events_accepted_total', { ...src, type: 'identify' })).toBe(1);
    expect(text).not.toContain(seeded.writeKey);
    // The two track calls above are the only single calls so far.
    expect(sample(text, 'fsd_ingest_http_request_duration_seconds_count', { route: '/v1/:type', status: '200' })).toBe(
      2,
    );
    for (const state of ['waiting', 'active', 'delayed', 'failed']) {
      expect(sample(text, 'fsd_queue_jobs', { destination: seeded.destinationId, state })).toBe(0);
    }
  });

  it('reports replay progress from the replays table', async () => {
    const id = await withDb(
      env.DATABASE_URL,
      async (db) =>
        (
          await db.query<{ id: string }>(
            `INSERT INTO replays (destination_id, filter, rate_per_second, status, matched, enqueued)
             VALUES ($1, '{}', 1, 'paused', 5, 3) RETURNING id::text`,
            [seeded.destinationId],
          )
        ).rows[0].id,
    );
    const text = await metricsOf(ingest);
    expect(text).toContain('# TYPE fsd_replay_progress gauge');
    expect(sample(text, 'fsd_replays', { status: 'paused' })).toBe(1);
    expect(sample(text, 'fsd_replay_progress', { replay: id, kind: 'matched' })).toBe(5);
    expect(sample(text, 'fsd_replay_progress', { replay: id, kind: 'enqueued' })).toBe(3);
  });

  it('shows queue depths on the worker next to its delivery metrics', async () => {
    const text = await waitFor('worker queue gauges', async () => {
      const t = await metricsOf(worker);
      return sample(t, 'fsd_queue_jobs', { destination: seeded.destinationId, state: 'waiting' }) !== undefined
        ? t
        : null;
    });
    expect(text).toContain('fsd_deliveries_total');
    expect(sample(text, 'fsd_queue_jobs', { destination: seeded.destinationId, state: 'failed' })).toBe(0);
  });

  it('serves the OpenAPI document generated from the code at /docs-json and the UI at /docs', async () => {
    const res = await fetch(`${ingest}/docs-json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      paths: Record<string, Record<string, { tags?: string[]; security?: Record<string, unknown>[] }>>;
      components: { securitySchemes: Record<string, { scheme: string }>; schemas: Record<string, unknown> };
    };
    for (const path of ['/v1/track', '/v1/identify', '/v1/batch', '/admin/sources', '/admin/destinations']) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    expect(Object.keys(doc.paths)).not.toContain('/v1/{type}');
    expect(Object.keys(doc.paths).some((p) => p.startsWith('/admin/ui'))).toBe(false);
    expect(doc.paths['/v1/track'].post.security).toEqual([{ writeKey: [] }]);
    expect(doc.paths['/v1/track'].post.tags).toEqual(['tracking']);
    expect(doc.paths['/admin/sources'].post.security).toEqual([{ admin: [] }]);
    expect(doc.components.securitySchemes.admin.scheme).toBe('bearer');
    expect(doc.components.securitySchemes.writeKey.scheme).toBe('basic');
    // DTO properties documented from their class-validator decorators.
    expect(doc.components.schemas.CreateSourceDto).toMatchObject({
      properties: { name: { type: 'string', maxLength: 200 } },
      required: ['name'],
    });
    // Retention overrides (issue 15) on sources and destinations.
    for (const dto of ['CreateSourceDto', 'UpdateSourceDto', 'CreateDestinationDto']) {
      expect(doc.components.schemas[dto]).toMatchObject({
        properties: {
          eventRetentionDays: { type: 'integer', minimum: 1, maximum: 3650 },
          auditRetentionDays: { type: 'integer', minimum: 1, maximum: 3650 },
        },
      });
    }
    const ui = await fetch(`${ingest}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
  });
});
