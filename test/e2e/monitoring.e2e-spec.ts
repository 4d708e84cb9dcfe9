import { execFileSync, spawnSync } from 'child_process';
import fs from 'fs';
import path from 'path';
import { parse } from 'yaml';
import { FakeFullStory, waitForDeliveries } from '../support/delivery';
import { exportedNames, metricNames } from '../support/promql-metrics';
import { SeededPair } from '../support/seed';
import { ROOT, RunningApp, StackEnv, basicAuth, postJson, waitFor, withDb } from '../support/stack';
import { useStack } from '../support/use-stack';

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels: { severity: string };
  annotations: { summary: string; description: string };
}
interface Panel {
  type: string;
  title: string;
  fieldConfig?: { defaults: { unit?: string } };
  options?: { legend?: { showLegend: boolean } };
  targets?: { expr: string; legendFormat: string }[];
}

const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const rules = (parse(read('deploy/prometheus/alerts.yml')) as { groups: { rules: Rule[] }[] }).groups.flatMap(
  (g) => g.rules,
);
const dashboard = JSON.parse(read('deploy/grafana/dashboard.json')) as { panels: Panel[] };
const charts = dashboard.panels.filter((p) => p.type !== 'row');
/** Recorded by Prometheus for every scrape target, not exported by the apps. */
const PROMETHEUS_OWN = new Set(['up']);
const promtool = spawnSync('sh', ['-c', 'command -v promtool']).stdout.toString().trim();

/**
 * deploy/prometheus/alerts.yml and deploy/grafana/dashboard.json: they parse, every metric they name is
 * exported by the running apps, promtool accepts them (where installed), docker-compose.yml wires them, and
 * the metrics added for the alerts (FullStory answers by code, backlog age, replay progress time, event log
 * maintenance state) carry the values their alerts rely on.
 */
describe('monitoring: alert rules and dashboard', () => {
  it.each([
    ['up{job=~"fsd-.*"} == 0', ['up']],
    [
      'sum by (destination) (increase(fsd_fullstory_responses_total{code=~"401|403"}[5m])) > 0',
      ['fsd_fullstory_responses_total'],
    ],
    [
      'histogram_quantile(0.95, sum by (le) (rate(a_seconds_bucket{route=~"/v1/.*"}[$__rate_interval])))',
      ['a_seconds_bucket'],
    ],
    ['time() - max by (replay) (b_timestamp{status="running"}) > 6e2', ['b_timestamp']],
    ['max(c - d) > 86400 and on (job) e offset 5m', ['c', 'd', 'e']],
  ])('reads the metric names of %s', (expr, expected) => {
    expect(metricNames(expr)).toEqual(expected);
  });

  it('alerts.yml: every rule is named, has a severity, a summary and a description', () => {
    expect(rules.map((r) => r.alert)).toEqual([
      'FsdAppDown',
      'FsdFullStoryUnauthorized',
      'FsdDestinationFailing',
      'FsdFullStoryRateLimited',
      'FsdFullStoryUnreachable',
      'FsdBacklogOld',
      'FsdReplayStalled',
      'FsdEventLogPartitionsBehind',
      'FsdDedupMaintenanceBehind',
      'FsdIngestServerErrors',
      'FsdIngestRejectingMany',
    ]);
    for (const r of rules) {
      expect({ alert: r.alert, severity: ['critical', 'warning', 'info'].includes(r.labels.severity) }).toEqual({
        alert: r.alert,
        severity: true,
      });
      expect(r.annotations.summary.length).toBeGreaterThan(10);
      expect(r.annotations.description.length).toBeGreaterThan(10);
      expect(metricNames(r.expr).length).toBeGreaterThan(0);
    }
  });

  it('dashboard.json: every chart has a query, a unit and a legend', () => {
    expect(charts.length).toBeGreaterThanOrEqual(15);
    for (const p of charts) {
      expect({ title: p.title, unit: typeof p.fieldConfig?.defaults.unit }).toEqual({ title: p.title, unit: 'string' });
      expect(p.targets?.length).toBeGreaterThan(0);
      for (const t of p.targets ?? []) expect(t.legendFormat.length).toBeGreaterThan(0);
    }
    for (const p of charts.filter((c) => c.type === 'timeseries')) {
      expect({ title: p.title, legend: p.options?.legend?.showLegend }).toEqual({ title: p.title, legend: true });
    }
  });

  (promtool ? it : it.skip)(
    'promtool accepts the rules and the Prometheus configuration, and the rules pass their tests',
    () => {
      const rulesOut = execFileSync(promtool, ['check', 'rules', path.join(ROOT, 'deploy/prometheus/alerts.yml')]);
      expect(rulesOut.toString()).toContain(`SUCCESS: ${rules.length} rules found`);
      const configOut = execFileSync(promtool, [
        'check',
        'config',
        path.join(ROOT, 'deploy/prometheus/prometheus.yml'),
      ]);
      expect(configOut.toString()).toContain('is valid prometheus config file syntax');
      // The rules' own unit tests: each alert fires on the series it is meant for and not on healthy ones.
      const unitOut = execFileSync(promtool, ['test', 'rules', path.join(ROOT, 'deploy/prometheus/alerts.test.yml')]);
      expect(unitOut.toString()).toContain('SUCCESS');
    },
  );

  it('docker-compose.yml runs Prometheus and Grafana (profile monitoring) on these files', () => {
    const compose = parse(read('docker-compose.yml')) as {
      services: Record<string, { profiles?: string[]; volumes?: string[] }>;
    };
    const prometheus = parse(read('deploy/prometheus/prometheus.yml')) as {
      rule_files: string[];
      scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
    };
    for (const name of ['prometheus', 'grafana']) {
      const service = compose.services[name];
      expect(service.profiles).toEqual(['monitoring']);
      const localSources = (service.volumes ?? []).map((v) => v.split(':')[0]).filter((s) => s.startsWith('./'));
      for (const source of localSources) {
        expect({ source, exists: fs.existsSync(path.join(ROOT, source)) }).toEqual({ source, exists: true });
      }
    }
    expect(compose.services.prometheus.volumes).toContain(
      './deploy/prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro',
    );
    expect(compose.services.grafana.volumes).toContain(
      './deploy/grafana/dashboard.json:/var/lib/grafana/dashboards/fullstory-destination.json:ro',
    );
    expect(prometheus.rule_files).toEqual(['alerts.yml']);
    expect(prometheus.scrape_configs.map((s) => [s.job_name, s.static_configs[0].targets])).toEqual([
      ['fsd-ingest-api', ['ingest-api:3000']],
      ['fsd-delivery-worker', ['delivery-worker:3001']],
    ]);
  });

  describe('against the running apps', () => {
    const stack = useStack('monitoring');
    let env: StackEnv;
    let ingest: string;
    let workerUrl: string;
    let fake: FakeFullStory;
    let seeded: SeededPair;
    let worker: RunningApp;
    // The spec's shorthands for the stack's parts (set once useStack's beforeAll has run); apps[2] is the worker.
    beforeAll(() => {
      ({ env, ingest, fake, seeded } = stack);
      workerUrl = `http://127.0.0.1:${env.WORKER_PORT}`;
      worker = stack.apps[2];
    });

    const scrape = async (base: string): Promise<string> => {
      const res = await fetch(`${base}/metrics`);
      expect(res.status).toBe(200);
      return res.text();
    };
    const sample = (text: string, name: string, labels: Record<string, string> = {}): number | undefined => {
      for (const line of text.split('\n')) {
        if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
        if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
          return Number(line.split(' ').pop());
      }
      return undefined;
    };

    it('exports every metric the alert rules and the dashboard name', async () => {
      const exported = new Set([...exportedNames(await scrape(ingest)), ...exportedNames(await scrape(workerUrl))]);
      const named = new Set([
        ...rules.flatMap((r) => metricNames(r.expr)),
        ...charts.flatMap((p) => (p.targets ?? []).flatMap((t) => metricNames(t.expr))),
      ]);
      expect(named.size).toBeGreaterThan(15);
      const missing = [...named].filter((n) => !exported.has(n) && !PROMETHEUS_OWN.has(n));
      expect(missing).toEqual([]);
    });

    it('counts a FullStory 401 (a revoked key) by destination and code', async () => {
      await fake.fault({ match: { method: 'POST', path: '/v2/events' }, status: 401, times: 1 });
      const auth = { Authorization: basicAuth(seeded.writeKey) };
      const res = await postJson(`${ingest}/v1/track`, { userId: 'm-u', event: 'Revoked', messageId: 'mon-1' }, auth);
      expect(res.status).toBe(200);
      await waitForDeliveries(env, seeded.destinationId, 1, ['failed']);
      const text = await scrape(workerUrl);
      expect(sample(text, 'fsd_fullstory_responses_total', { destination: seeded.destinationId, code: '401' })).toBe(1);
      expect(sample(text, 'fsd_fullstory_responses_total', { destination: seeded.destinationId, code: '200' })).toBe(
        undefined,
      );
    });

    it('exports the event log maintenance state and the dedup window', async () => {
      const text = await scrape(ingest);
      expect(sample(text, 'fsd_event_log_partitions_ahead_days')).toBe(7);
      expect(sample(text, 'fsd_event_dedup_window_seconds')).toBe(30 * 86400);
      const age = sample(text, 'fsd_event_dedup_oldest_age_seconds');
      expect(age).toBeGreaterThanOrEqual(0);
      expect(age).toBeLessThan(3600);
    });

    it('exports the size and the oldest kept partition of each time-partitioned table', async () => {
      const text = await scrape(ingest);
      for (const table of ['events', 'event_dedup', 'deliveries', 'delivery_attempts', 'delivery_state_changes']) {
        expect(sample(text, 'fsd_table_size_bytes', { table })).toBeGreaterThan(0);
        // A fresh install: the oldest partition is the first one, which ends tomorrow at the latest.
        const oldest = sample(text, 'fsd_oldest_partition_timestamp_seconds', { table }) as number;
        expect(oldest).toBeGreaterThan(Date.now() / 1000 - 3 * 86400);
        expect(oldest).toBeLessThan(Date.now() / 1000 + 2 * 86400);
      }
    });

    it('exports when each unfinished replay last moved', async () => {
      const replay = await withDb(env.DATABASE_URL, async (db) => {
        const { rows } = await db.query<{ id: string; epoch: number }>(
          `INSERT INTO replays (destination_id, filter, rate_per_second, status, updated_at)
           VALUES ($1, '{}', 10, 'paused', now() - interval '1 hour')
           RETURNING id::text, extract(epoch FROM updated_at)::float8 AS epoch`,
          [seeded.destinationId],
        );
        return rows[0];
      });
      const text = await scrape(ingest);
      const value = sample(text, 'fsd_replay_last_progress_timestamp_seconds', { replay: replay.id, status: 'paused' });
      expect(value).toBeCloseTo(replay.epoch, 0);
    });

    // Last: it stops the worker.
    it('exports the age of the oldest job waiting for a worker', async () => {
      const before = await scrape(ingest);
      expect(sample(before, 'fsd_queue_oldest_waiting_age_seconds', { destination: seeded.destinationId })).toBe(0);
      await worker.stop();
      const auth = { Authorization: basicAuth(seeded.writeKey) };
      const res = await postJson(`${ingest}/v1/track`, { userId: 'm-u', event: 'Waiting', messageId: 'mon-2' }, auth);
      expect(res.status).toBe(200);
      const age = await waitFor('a waiting job older than half a second', async () => {
        const v = sample(await scrape(ingest), 'fsd_queue_oldest_waiting_age_seconds', {
          destination: seeded.destinationId,
        });
        return v !== undefined && v > 0.5 ? v : undefined;
      });
      expect(age).toBeLessThan(600);
    });
  });
});
