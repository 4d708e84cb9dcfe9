import type { Pool, QueryResult } from 'pg';

/** A node of EXPLAIN (FORMAT JSON)'s plan, as far as the specs read it. */
export interface PlanNode {
  'Relation Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  Plans?: PlanNode[];
}

/**
 * A pool for a repository under test whose statements matching `traced` run under EXPLAIN ANALYZE in a transaction
 * rolled back (their plans pushed to `plans`, an empty result returned); every other statement runs as it is.
 */
export function explainingPool(pool: Pool, traced: (sql: string) => boolean, plans: PlanNode[]): Pool {
  const query = async (sql: string, values: unknown[]): Promise<QueryResult> => {
    if (!traced(sql)) return pool.query(sql, values);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
        `EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`,
        values,
      );
      plans.push(rows[0]['QUERY PLAN'][0].Plan);
      await client.query('ROLLBACK');
      return { rows: [], rowCount: 0, command: 'SELECT', oid: 0, fields: [] };
    } finally {
      client.release();
    }
  };
  return { query } as unknown as Pool;
}

/** Rows the plan's scans of `table` (and its partitions, named after it) returned, over all their loops. */
export function rowsRead(node: PlanNode, table: string): number {
  const name = node['Relation Name'];
  const own =
    name === table || name?.startsWith(`${table}_`) ? (node['Actual Rows'] ?? 0) * (node['Actual Loops'] ?? 1) : 0;
  return own + (node.Plans ?? []).reduce((sum, child) => sum + rowsRead(child, table), 0);
}
