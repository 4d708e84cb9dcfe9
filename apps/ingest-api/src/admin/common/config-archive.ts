import { DataSource } from 'typeorm';
import { skipOpenDeliveries } from '@fsd/delivery-data';

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
    await skipOpenDeliveries(em, id, 'destination archived');
    return true;
  });
}
