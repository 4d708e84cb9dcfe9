import type { Pool, PoolClient, QueryResult } from 'pg';

/** A node of EXPLAIN (FORMAT JSON)'s plan, as far as the specs read it. */
export interface PlanNode {
  'Relation Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  Plans?: PlanNode[];
}

/**
 * A pool for a repository under test whose statements matching `traced` run under EXPLAIN ANALYZE (their plans
 * pushed to `plans`, `tracedRows` returned in their place): on the pool, in a transaction rolled back; on a client it hands out
 * (a repository's own transaction), within that transaction. Every other statement runs as it is.
 */
export function explainingPool(
  pool: Pool,
  traced: (sql: string) => boolean,
  plans: PlanNode[],
  tracedRows: unknown[] = [],
): Pool {
  const explain = async (client: Pick<PoolClient, 'query'>, sql: string, values: unknown[]) => {
    const { rows } = await client.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
      `EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`,
      values,
    );
    plans.push(rows[0]['QUERY PLAN'][0].Plan);
    return { rows: tracedRows, rowCount: tracedRows.length, command: 'SELECT', oid: 0, fields: [] } as QueryResult;
  };
  const query = async (sql: string, values: unknown[]): Promise<QueryResult> => {
    if (!traced(sql)) return pool.query(sql, values);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const result = await explain(client, sql, values);
      await client.query('ROLLBACK');
      return result;
    } finally {
      client.release();
    }
  };
  const connect = async (): Promise<PoolClient> => {
    const client = await pool.connect();
    const clientQuery = (sql: string, values?: unknown[]) =>
      traced(sql) ? explain(client, sql, values ?? []) : client.query(sql, values);
    return Object.assign(Object.create(client) as PoolClient, { query: clientQuery, release: () => client.release() });
  };
  return { query, connect } as unknown as Pool;
}

/** The plan's scans of `table` or of its partitions (named after it). */
function scansOf(node: PlanNode, table: string): PlanNode[] {
  const name = node['Relation Name'];
  const own = name !== undefined && (name === table || name.startsWith(`${table}_`)) ? [node] : [];
  return [...own, ...(node.Plans ?? []).flatMap((child) => scansOf(child, table))];
}

/**
 * The names of the tables (partitions) of `table` the plan reads: a scan the executor pruned while running (bounds
 * from an outer row) is in the plan but never executed (no loops), and is not read.
 */
export function relationsRead(node: PlanNode, table: string): string[] {
  return scansOf(node, table)
    .filter((scan) => (scan['Actual Loops'] ?? 1) > 0)
    .map((scan) => scan['Relation Name'] as string);
}

/** Rows the plan's scans of `table` (and its partitions) returned, over all their loops. */
export function rowsRead(node: PlanNode, table: string): number {
  return scansOf(node, table).reduce((sum, scan) => sum + (scan['Actual Rows'] ?? 0) * (scan['Actual Loops'] ?? 1), 0);
}
