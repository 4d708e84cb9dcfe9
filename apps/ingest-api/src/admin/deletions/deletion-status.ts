export type DeletionStatus = 'pending' | 'completed' | 'failed';

/** One destination's FullStory deletions of a request (one per user), by delivery status. */
export interface DestinationDeletionCounts {
  destinationId: string;
  total: number;
  done: number;
  failed: number;
}

/** A destination's deletion: failed when any user's failed, completed when all are delivered (or skipped). */
export function destinationStatus(c: DestinationDeletionCounts): DeletionStatus {
  if (c.failed > 0) return 'failed';
  return c.done >= c.total ? 'completed' : 'pending';
}

/** The request's status: the local erasure and every destination's deletion. */
export function deletionStatus(erasure: DeletionStatus, destinations: DestinationDeletionCounts[]): DeletionStatus {
  const statuses = [erasure, ...destinations.map(destinationStatus)];
  if (statuses.includes('failed')) return 'failed';
  return statuses.every((s) => s === 'completed') ? 'completed' : 'pending';
}

/** The ids of a request: `userIds`, or the single `userId`, without blanks or repeats (order kept). */
export function requestedUsers(input: { userId?: string | null; userIds?: string[] | null }): string[] {
  const list = input.userIds ?? (typeof input.userId === 'string' ? [input.userId] : []);
  return [...new Set(list.filter((u) => typeof u === 'string' && u.trim() !== ''))];
}
