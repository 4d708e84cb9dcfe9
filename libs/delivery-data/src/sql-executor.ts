/**
 * What the ingest API's writes run on: a TypeORM EntityManager (inside its transaction) or a pg Pool / client.
 * Both take `query(sql, params)`; only the shape of what they return differs (see rowsOf).
 */
export interface SqlExecutor {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/** The rows of an INSERT … RETURNING or SELECT: an array from TypeORM, `{ rows }` from pg. */
export function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : (result as { rows: T[] }).rows;
}
