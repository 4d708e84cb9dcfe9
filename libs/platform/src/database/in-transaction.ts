import type { Pool, PoolClient } from 'pg';

/**
 * Runs `work` on one client of the pool inside `begin` (a BEGIN, optionally with SET LOCAL settings that end with
 * the transaction), commits, and rolls back on failure; the client always goes back to the pool.
 */
export async function inTransaction<T>(
  pool: Pool,
  begin: string,
  work: (client: PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(begin);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}
