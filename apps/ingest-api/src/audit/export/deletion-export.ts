import type { DeletionReads } from './deletion-reads.repository';

const PAGE = 500;

/**
 * The deletion requests created in [from, to) as NDJSON lines `{"deletion": …}` after the events:
 * counts and per-destination FullStory deletions only (a deletion keeps no plain user id once done).
 */
export async function* deletionLines(reads: DeletionReads, from: string, to: string): AsyncGenerator<string> {
  let after = '0';
  for (;;) {
    const rows = await reads.createdBetween(from, to, after, PAGE);
    if (rows.length === 0) return;
    yield rows
      .map(
        (r) =>
          `${JSON.stringify({
            deletion: {
              id: r.id,
              erasureStatus: r.status,
              users: r.user_count,
              erased: {
                events: Number(r.erased_events),
                attempts: Number(r.erased_attempts),
                rejectedEvents: Number(r.erased_rejected_events),
              },
              createdAt: r.created_at.toISOString(),
              finishedAt: r.finished_at?.toISOString() ?? null,
              deliveries: r.deliveries ?? [],
            },
          })}\n`,
      )
      .join('');
    if (rows.length < PAGE) return;
    after = rows[rows.length - 1].id;
  }
}
