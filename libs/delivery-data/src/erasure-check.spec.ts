import type { Pool } from 'pg';
import { migratedDatabase } from './testing/migrated-database';
import { ErasureCheck } from './erasure-check';

/** Against a migrated database of its own: user u-9 deleted on one destination, hash h-1 suppressed. */
describe('ErasureCheck', () => {
  let pool: Pool;
  let drop: () => Promise<void>;
  let check: ErasureCheck;
  let destinationId: string;
  let other: string;

  const destination = async (name: string) =>
    (
      await pool.query<{ id: string }>(
        `INSERT INTO destinations (name, api_key_encrypted) VALUES ($1, 'x') RETURNING id::text`,
        [name],
      )
    ).rows[0].id;
  beforeAll(async () => {
    ({ pool, drop } = await migratedDatabase('erasure'));
    check = new ErasureCheck(pool);
    destinationId = await destination('erasure');
    other = await destination('other');
    await pool.query(`INSERT INTO deliveries (destination_id, kind, deletion_user_id) VALUES ($1, 'deletion', 'u-9')`, [
      destinationId,
    ]);
    const deletionId = (
      await pool.query<{ id: string }>(
        `INSERT INTO deletions (user_count, destination_ids) VALUES (1, $1::uuid[]) RETURNING id::text`,
        [[destinationId]],
      )
    ).rows[0].id;
    await pool.query(`INSERT INTO suppressed_identities (identity_hash, deletion_id) VALUES ('h-1', $1)`, [deletionId]);
  });

  afterAll(async () => {
    await drop();
  });

  it.each([
    ['the deleted user on this destination', 'u-9', 'same', [], true],
    ['another user', 'u-1', 'same', [], false],
    ['the deleted user on another destination', 'u-9', 'other', [], false],
    ['a suppressed hash, no user to check', null, 'same', ['h-1'], true],
    ['a suppressed hash among others, another user', 'u-1', 'same', ['h-2', 'h-1'], true],
    ['hashes none of which is suppressed', 'u-1', 'same', ['h-2', 'h-3'], false],
    ['the deleted user, with hashes not suppressed', 'u-9', 'same', ['h-2'], true],
  ] as const)('%s', async (_name, userId, where, hashes, expected) => {
    const onDestination = where === 'same' ? destinationId : other;
    const user = userId === null ? null : { destinationId: onDestination, userId };
    expect(await check.erased({ user, hashes })).toBe(expected);
  });

  it('answers nothing to check without a statement', async () => {
    expect(await check.erased({ user: null, hashes: [] })).toBe(false);
  });

  it('answers the questions of one tick with one statement, each its own answer', async () => {
    const sent: unknown[] = [];
    const counting = { query: (...args: Parameters<Pool['query']>) => (sent.push(args[0]), pool.query(...args)) };
    const shared = new ErasureCheck(counting as unknown as Pool);
    const answers = await Promise.all([
      shared.erased({ user: { destinationId, userId: 'u-9' }, hashes: [] }),
      shared.erased({ user: { destinationId, userId: 'u-1' }, hashes: ['h-2'] }),
      shared.erased({ user: { destinationId: other, userId: 'u-9' }, hashes: [] }),
      shared.erased({ user: null, hashes: ['h-1'] }),
      shared.erased({ user: { destinationId, userId: 'u-9' }, hashes: ['h-1'] }),
    ]);
    expect(answers).toEqual([true, false, false, true, true]);
    // The deletion floor's computation (the first check with a user), then the one check.
    expect(sent).toHaveLength(2);
  });

  it('plans no partition of deliveries for questions without a user (hashes only)', async () => {
    const sent: { text: string; values: unknown[] }[] = [];
    const capturing = {
      query: (config: { text: string; values: unknown[] }) => (sent.push(config), pool.query(config)),
    };
    expect(await new ErasureCheck(capturing as unknown as Pool).erased({ user: null, hashes: ['h-1'] })).toBe(true);
    expect(sent).toHaveLength(1);
    const plan = (
      await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN (COSTS off) ${sent[0].text}`, sent[0].values)
    ).rows.map((r) => r['QUERY PLAN']);
    expect(plan.join('\n')).toContain('suppressed_identities');
    expect(plan.filter((line) => line.includes('deliveries'))).toEqual([]);
  });
});
