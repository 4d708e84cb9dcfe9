import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuditLogPartition } from './audit-log-retention.policy';

const PARTITION_NAME = /^admin_audit_log_p[0-9]{6}$/;

/**
 * The admin audit log's partitions (migration 1764720000000): months created ahead and months past retention
 * dropped whole. It never changes a row: the table stays append-only, and entries leave only with their month.
 */
@Injectable()
export class AuditLogRetentionRepository {
  constructor(private readonly db: DataSource) {}

  /** Creates the months from `first` through `last` that do not exist yet (safe from several processes at once). */
  async ensureMonths(first: Date, last: Date): Promise<void> {
    await this.db.query('SELECT admin_audit_log_ensure_partitions($1::date, $2::date)', [day(first), day(last)]);
  }

  /** The months, oldest first, bounds read from the catalog (not from names). */
  async partitions(): Promise<AuditLogPartition[]> {
    return (await this.db.query(
      `SELECT c.relname AS name,
              substring(pg_get_expr(c.relpartbound, c.oid) FROM 'FROM \\(''([^'']+)''\\)')::timestamptz AS "from",
              substring(pg_get_expr(c.relpartbound, c.oid) FROM 'TO \\(''([^'']+)''\\)')::timestamptz AS "to"
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'admin_audit_log'::regclass
        ORDER BY 2`,
    )) as AuditLogPartition[];
  }

  /**
   * Drops one month. Waits at most 5 s for the log's lock (a long export reading it), else throws and the month is
   * left for the next run: appends never queue behind the retention job for long.
   */
  async dropMonth(name: string): Promise<void> {
    if (!PARTITION_NAME.test(name)) throw new Error(`not a month of the admin audit log: ${name}`);
    await this.db.transaction(async (em) => {
      await em.query(`SET LOCAL lock_timeout = '5s'`);
      await em.query(`DROP TABLE IF EXISTS "${name}"`);
    });
  }
}

function day(t: Date): string {
  return t.toISOString().slice(0, 10);
}
