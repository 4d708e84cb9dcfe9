/**
 * The primary key (id, logged_at) of each delivery of `i.id`, looked up one id at a time. The deliveries' key
 * holds the partition's; joined on id alone, the planner estimates from the id column's statistics, which a
 * partition filled since its last ANALYZE lacks (or that never had one: autovacuum off), assumes 200 distinct
 * ids, and hash-joins a scan of every delivery for a few dozen rows. Joined on the whole key, it probes each.
 */
export const KEY_OF_ID = `CROSS JOIN LATERAL (SELECT k.id, k.logged_at FROM deliveries k WHERE k.id = i.id LIMIT 1) k`;
