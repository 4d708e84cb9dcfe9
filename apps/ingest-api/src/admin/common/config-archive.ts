import { DataSource } from 'typeorm';

/**
 * Archives a destination instead of deleting it: it is hidden, disabled and unlinked from its
 * sources (it receives nothing more), its API key is destroyed, and its open deliveries end as
 * skipped (with their state change). Its deliveries, attempts and state changes stay for the audit
 * until retention removes them. Returns false when there is no such (unarchived) destination.
 */
export async function archiveDestination(dataSource: DataSource, id: string): Promise<boolean> {
  return dataSource.transaction(async (em) => {
    const [rows] = (await em.query(
      `UPDATE destinations SET archived_at = now(), enabled = false, api_key_encrypted = '', updated_at = now()
        WHERE id = $1 AND archived_at IS NULL RETURNING id`,
      [id],
    )) as [unknown[], number];
    if (rows.length === 0) return false;
    await em.query(`DELETE FROM destination_sources WHERE destination_id = $1`, [id]);
    await em.query(
      `WITH open AS (
         UPDATE deliveries d SET status = 'skipped', last_error = 'destination archived', updated_at = now()
           FROM (SELECT id, status FROM deliveries WHERE destination_id = $1 AND status IN ('pending', 'retrying')
                  FOR UPDATE) o
          WHERE d.id = o.id
         RETURNING d.id, o.status AS from_status
       )
       INSERT INTO delivery_state_changes (delivery_id, from_status, to_status, reason)
       SELECT id, from_status, 'skipped', 'destination archived' FROM open`,
      [id],
    );
    return true;
  });
}

/**
 * Archives a source: hidden, unlinked from its destinations, and its write key destroyed (the stored
 * hash is replaced by a value no key hashes to), so nothing more is accepted from it. Its events stay.
 */
export async function archiveSource(dataSource: DataSource, id: string): Promise<boolean> {
  return dataSource.transaction(async (em) => {
    const [rows] = (await em.query(
      `UPDATE sources SET archived_at = now(), write_key_hash = 'archived:' || id::text, write_key_hint = '',
              previous_write_key_hash = NULL, previous_write_key_hint = NULL, previous_write_key_expires_at = NULL,
              updated_at = now()
        WHERE id = $1 AND archived_at IS NULL RETURNING id`,
      [id],
    )) as [unknown[], number];
    if (rows.length === 0) return false;
    await em.query(`DELETE FROM destination_sources WHERE source_id = $1`, [id]);
    return true;
  });
}
