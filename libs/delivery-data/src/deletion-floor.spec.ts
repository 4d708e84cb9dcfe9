import type { Pool } from 'pg';
import { migratedDatabase } from './testing/migrated-database';
import { DeletionFloor } from './deletion-floor';
import { DELETED_USERS } from './delivery-load.sql';
import { ErasureCheck } from './erasure-check';

/** Against a migrated database of its own (today's and the next days' partitions, and one for everything older). */
describe('DeletionFloor and the deleted-user check it bounds', () => {
  let pool: Pool;
  let drop: () => Promise<void>;
  let destinationId: string;

  const dbNow = async (): Promise<Date> => (await pool.query<{ t: Date }>('SELECT now() AS t')).rows[0].t;
  const dayBefore = (t: Date) => new Date(t.getTime() - 86_400_000);
  /** A deletion delivery of `userId`, logged `daysAgo` days ago (a test can log one in the past; the app cannot). */
  const deletion = async (userId: string, daysAgo: number): Promise<Date> =>
    (
      await pool.query<{ t: Date }>(
        `INSERT INTO deliveries (destination_id, kind, deletion_user_id, logged_at)
         VALUES ($1, 'deletion', $2, now() - $3::int * interval '1 day') RETURNING logged_at AS t`,
        [destinationId, userId, daysAgo],
      )
    ).rows[0].t;
  /** Every deletion delivery's user id forgotten, as `forgetEndedDeletionUsers` leaves it. */
  const forgetAll = () =>
    pool.query(
      `UPDATE deliveries SET deletion_user_id = 'erased:' || deletion_user_id
        WHERE kind = 'deletion' AND deletion_user_id NOT LIKE 'erased:%'`,
    );
  /** The plan of the deleted-user check of 'u-1' with `floor` as its lower bound. */
  const plan = async (floor: Date | string): Promise<string> =>
    (
      await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN (COSTS off) ${DELETED_USERS}`, [
        [destinationId],
        ['u-1'],
        floor,
      ])
    ).rows
      .map((r) => r['QUERY PLAN'])
      .join('\n');
  /** Counts the statements a floor sends. */
  const counting = () => {
    const sent: string[] = [];
    const query = (text: string) => {
      sent.push(text);
      return pool.query(text);
    };
    return { pool: { query } as unknown as Pool, sent };
  };

  beforeAll(async () => {
    ({ pool, drop } = await migratedDatabase('deletion_floor'));
    destinationId = (
      await pool.query<{ id: string }>(
        `INSERT INTO destinations (name, api_key_encrypted) VALUES ('floor', 'x') RETURNING id::text`,
      )
    ).rows[0].id;
  });

  afterAll(async () => {
    await drop();
  });

  beforeEach(async () => {
    await pool.query(`DELETE FROM deliveries WHERE kind = 'deletion'`);
  });

  it('is a day before now when no deletion is in progress', async () => {
    const before = await dbNow();
    const floor = await new DeletionFloor(pool).forUsers(['u-1']);
    const after = await dbNow();
    expect(floor!.getTime()).toBeGreaterThanOrEqual(dayBefore(before).getTime());
    expect(floor!.getTime()).toBeLessThanOrEqual(dayBefore(after).getTime());
  });

  it('is a day before the oldest deletion delivery that still holds a plain user id', async () => {
    await deletion('u-new', 2);
    const oldest = await deletion('u-old', 10);
    await deletion('erased:long-forgotten', 30);
    expect(await new DeletionFloor(pool).forUsers(['u-1'])).toEqual(dayBefore(oldest));
  });

  it('is not needed for an id that is itself a forgotten id: such a check looks in every partition', async () => {
    const { pool: spy, sent } = counting();
    expect(await new DeletionFloor(spy).forUsers(['u-1', 'erased:abc'])).toBeNull();
    expect(sent).toEqual([]);
  });

  it('is computed once for the checks that find it due together, then kept until it is due again', async () => {
    const { pool: spy, sent } = counting();
    const kept = new DeletionFloor(spy, 3_600_000);
    const [a, b] = await Promise.all([kept.forUsers(['u-1']), kept.forUsers(['u-2'])]);
    expect(a).toEqual(b);
    const oldest = await deletion('u-old', 10);
    expect(await kept.forUsers(['u-3'])).toEqual(a);
    expect(sent).toHaveLength(1);

    const due = new DeletionFloor(spy, 0);
    expect(await due.forUsers(['u-1'])).toEqual(dayBefore(oldest));
    await forgetAll();
    const moved = await due.forUsers(['u-1']);
    expect(moved!.getTime()).toBeGreaterThan(dayBefore(oldest).getTime());
    expect(sent).toHaveLength(3);
  });

  // A database migrated today keeps everything before tomorrow in its catch-all partition, so the floor that shows
  // the pruning here lies two days ahead.
  it('bounds the check to the partitions since the floor: those before it are not planned', async () => {
    expect(await plan('-infinity')).toContain('deliveries_legacy');
    const twoDaysAhead = new Date((await dbNow()).getTime() + 2 * 86_400_000);
    const bounded = await plan(twoDaysAhead);
    expect(bounded).not.toContain('deliveries_legacy');
    expect(bounded).toContain('deliveries_p');
  });

  // No deletion is logged after the check starts: the partitions made ahead (empty) are not probed either.
  it('leaves out the partitions made more than a day ahead, whatever the floor', async () => {
    await pool.query('SELECT ensure_audit_partitions(4)');
    const { rows } = await pool.query<{ tomorrow: string; later: string }>(
      `SELECT to_char(now() AT TIME ZONE 'UTC' + interval '1 day', '"deliveries_p"YYYYMMDD') AS tomorrow,
              to_char(now() AT TIME ZONE 'UTC' + interval '3 days', '"deliveries_p"YYYYMMDD') AS later`,
    );
    const made = await pool.query(`SELECT 1 FROM pg_class WHERE relname = ANY($1::text[])`, [
      [rows[0].tomorrow, rows[0].later],
    ]);
    expect(made.rowCount).toBe(2);
    const unbounded = await plan('-infinity');
    expect(unbounded).toContain('deliveries_legacy');
    expect(unbounded).toContain(rows[0].tomorrow);
    expect(unbounded).not.toContain(rows[0].later);
  });

  it.each([
    ['a deletion in progress logged ten days ago', 'u-old', true],
    ['a deletion made after the floor was computed', 'u-late', true],
    ['a forgotten id thirty days old, asked for by that id', 'erased:u-forgotten', true],
    ['a user no deletion names', 'u-other', false],
  ])('the check answers for %s', async (_name, userId, expected) => {
    await deletion('u-old', 10);
    await deletion('erased:u-forgotten', 30);
    const check = new ErasureCheck(pool);
    const deleted = (id: string) => check.erased({ user: { destinationId, userId: id }, hashes: [] });
    // The floor is computed by this first check and kept (for a minute) for the ones below.
    expect(await deleted('u-nobody')).toBe(false);
    await deletion('u-late', 0);
    expect(await deleted(userId)).toBe(expected);
  });
});
