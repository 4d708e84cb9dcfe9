import { csvField } from './csv-field';

export const DELETION_CSV_COLUMNS = [
  'deletion_id',
  'erasure_status',
  'users',
  'erased_events',
  'erased_attempts',
  'erased_rejected_events',
  'created_at',
  'finished_at',
  'destination_id',
  'delivery_id',
  'delivery_status',
] as const;

const DELETION_HEADER = DELETION_CSV_COLUMNS.join(',');

interface DeletionRecord {
  id: string;
  erasureStatus: string;
  users: number;
  erased: { events: number; attempts: number; rejectedEvents: number };
  createdAt: string;
  finishedAt: string | null;
  deliveries: { id: string; destinationId: string; status: string }[];
}

/**
 * The deletion records of the NDJSON export (`{"deletion": …}` lines), flattened to CSV: one row per FullStory
 * deletion (destination × user), or one row without a delivery when the request targeted no destination. The
 * CSV is the NDJSON record's shape, so both exports say the same. No user id: a deletion keeps none once done.
 */
export async function* deletionCsvLines(ndjson: AsyncIterable<string>): AsyncGenerator<string> {
  yield `${DELETION_HEADER}\n`;
  for await (const chunk of ndjson) {
    let out = '';
    for (const line of chunk.split('\n')) {
      if (line !== '') out += deletionCsvRows((JSON.parse(line) as { deletion: DeletionRecord }).deletion);
    }
    if (out !== '') yield out;
  }
}

export function deletionCsvRows(d: DeletionRecord): string {
  const head = [d.id, d.erasureStatus, d.users, d.erased.events, d.erased.attempts, d.erased.rejectedEvents];
  const times = [d.createdAt, d.finishedAt];
  const line = (fields: unknown[]) => `${fields.map(csvField).join(',')}\n`;
  if (d.deliveries.length === 0) return line([...head, ...times, null, null, null]);
  return d.deliveries.map((x) => line([...head, ...times, x.destinationId, x.id, x.status])).join('');
}
