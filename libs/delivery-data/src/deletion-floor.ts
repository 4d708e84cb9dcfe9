import type { Pool } from 'pg';
import { IDENTITY_HASH_PREFIX } from '@fsd/platform';

/** How long a computed floor is used before it is computed again (it only gets tighter, never wrong). */
export const DELETION_FLOOR_REFRESH_MS = 60_000;

/**
 * The time no deletion delivery that still holds a plain user id was logged before, a day early. A deletion's
 * rows are logged at their transaction's start (`logged_at DEFAULT now()`), so one created after this ran is
 * logged after it less the length of its transaction: the day covers that. The floor is therefore a lower bound
 * for every later computation too, and a cached one stays valid; computing it again only moves it forward as
 * deletions' user ids are forgotten (`forgetEndedDeletionUsers`).
 */
const PLAIN_DELETION_FLOOR = `SELECT COALESCE(min(logged_at), now()) - interval '1 day' AS floor FROM deliveries
  WHERE kind = 'deletion' AND deletion_user_id NOT LIKE '${IDENTITY_HASH_PREFIX}%'`;

/**
 * The deleted-user check's lower bound on `logged_at` (the partition key): with it, Postgres plans and probes only
 * the partitions since the oldest deletion still in progress, not every partition the retention keeps (98 under the
 * default 90 days, where the unbounded check cost 1.1 ms of planning and 1 ms of execution per statement).
 *
 * A user id that is itself a forgotten id's hash matches rows however old: such a lookup is not bounded.
 */
export class DeletionFloor {
  private floor: Date | null = null;
  private computedAt = 0;
  private computing?: Promise<Date>;

  constructor(
    private readonly pool: Pool,
    private readonly refreshMs = DELETION_FLOOR_REFRESH_MS,
  ) {}

  /** The bound for a check of these user ids: null when it must look in every partition. */
  async forUsers(userIds: readonly string[]): Promise<Date | null> {
    if (userIds.some((u) => u.startsWith(IDENTITY_HASH_PREFIX))) return null;
    if (this.floor !== null && Date.now() - this.computedAt < this.refreshMs) return this.floor;
    // One computation at a time, shared by the checks that find the floor due.
    this.computing ??= this.compute().finally(() => (this.computing = undefined));
    return this.computing;
  }

  private async compute(): Promise<Date> {
    const { rows } = await this.pool.query<{ floor: Date }>(PLAIN_DELETION_FLOOR);
    this.floor = rows[0].floor;
    this.computedAt = Date.now();
    return this.floor;
  }
}
