import { basicAuth, postJson, waitFor, withDb } from './stack';

/** An event's stored shape: the normalised payload and the raw body, as JSON text to copy with `replace`. */
export interface StoredShape {
  payload: string;
  raw: string;
}

/**
 * One real identify (`tpl-identify`) and one real track (`tpl-track`, named `eventName`) of user `tpl-user`, sent
 * through ingest-api and delivered, give the stored shapes that a spec copies into the log with SQL (each copy with
 * its own ids). The log is then emptied, with its deliveries and their audit rows, so that only the copies are
 * replayed.
 */
export async function templatesThenEmptyLog(
  databaseUrl: string,
  ingest: string,
  writeKey: string,
  eventName: string,
): Promise<{ identify: StoredShape; track: StoredShape }> {
  const auth = { Authorization: basicAuth(writeKey) };
  const identify = { messageId: 'tpl-identify', userId: 'tpl-user', traits: { plan: 'pro', mid: 'tpl-identify' } };
  const track = { messageId: 'tpl-track', userId: 'tpl-user', event: eventName, properties: { mid: 'tpl-track' } };
  for (const [path, body] of [
    ['/v1/identify', identify],
    ['/v1/track', track],
  ] as const) {
    const res = await postJson(`${ingest}${path}`, body, auth);
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
  }
  await waitFor(
    'the templates delivered',
    () =>
      withDb(
        databaseUrl,
        async (db) => (await db.query(`SELECT 1 FROM deliveries WHERE status = 'delivered'`)).rows.length === 2,
      ),
    30_000,
  );
  return withDb(databaseUrl, async (db) => {
    const shape = async (id: string) =>
      (
        await db.query<StoredShape>(
          'SELECT payload::text AS payload, raw::text AS raw FROM events WHERE message_id = $1',
          [id],
        )
      ).rows[0];
    const shapes = { identify: await shape('tpl-identify'), track: await shape('tpl-track') };
    // The audit rows no longer cascade from their delivery (partitioned tables, migration Retention).
    await db.query('DELETE FROM delivery_attempts');
    await db.query('DELETE FROM delivery_state_changes');
    await db.query('DELETE FROM deliveries');
    await db.query('DELETE FROM events');
    await db.query('DELETE FROM event_dedup');
    return shapes;
  });
}
