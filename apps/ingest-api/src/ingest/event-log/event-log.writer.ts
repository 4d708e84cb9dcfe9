import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { GroupCommit, isDatabaseUnreachableError, storableText } from '@fsd/platform';
import { INGEST_CONFIG, IngestConfig } from '../../core/config/ingest.config';
import { storageUnavailable } from '../../core/errors/app-error';
import { AppendedEvent, CreatedDelivery, EventLogRepository, EventRow } from './event-log.repository';

export type { CreatedDelivery, EventRow } from './event-log.repository';

export interface WriteResult {
  /** null when (source, messageId) was already in the log: a duplicate, acknowledged but not stored again. */
  eventId: string | null;
  deliveries: CreatedDelivery[];
}

/**
 * Group commit: concurrent requests are written together in one multi-row statement (one
 * transaction), so throughput grows with load while every caller still waits for its own commit.
 * Groups hold at most GROUP_COMMIT_MAX_EVENTS events (a larger request goes alone), and at most
 * GROUP_COMMIT_CONCURRENCY are in flight; the next group forms from what arrives meanwhile. A second group starts
 * while one is in flight only once GROUP_COMMIT_OVERLAP_EVENTS events wait: much of the statement's cost is per
 * statement, not per event, so at a moderate load of single calls two in flight only halved the groups (bench,
 * 1,000 /v1/track calls/s: ~5 events a statement against ~8-14 with the threshold, the statement's Postgres time
 * per event −17-20%), while a batch load (100 events a request) still keeps two busy.
 */
@Injectable()
export class EventLogWriter implements OnModuleDestroy {
  private readonly group: GroupCommit<EventRow[], WriteResult[]>;

  constructor(
    private readonly log: EventLogRepository,
    @Inject(INGEST_CONFIG) config: IngestConfig,
  ) {
    this.group = new GroupCommit((requests) => this.flush(requests), {
      maxInFlight: config.groupCommitConcurrency,
      overlapFromWeight: config.groupCommitOverlapEvents,
      maxGroupWeight: config.groupCommitMaxEvents,
      weightOf: (rows) => rows.length,
    });
  }

  write(rows: EventRow[]): Promise<WriteResult[]> {
    if (rows.length === 0) return Promise.resolve([]);
    return this.group.submit(rows);
  }

  async onModuleDestroy(): Promise<void> {
    while (this.group.busy) await new Promise((r) => setTimeout(r, 10));
  }

  /** One statement for the requests of the group; each request gets its own rows' results. */
  private async flush(requests: EventRow[][]): Promise<WriteResult[][]> {
    let byKey: Map<string, AppendedEvent>;
    try {
      byKey = await this.log.append(requests.flat());
    } catch (e) {
      throw isDatabaseUnreachableError(e) ? storageUnavailable() : e;
    }
    let offset = 0;
    return requests.map((rows) => {
      // Within one group the first copy of a messageId wins; later copies are duplicates.
      const seen = new Set<string>();
      const results = rows.map((row, i) => {
        // The key as Postgres returns message_id: escaped where text cannot hold it.
        const key = `${row.sourceId}\u0000${storableText(row.messageId)}`;
        const hit = byKey.get(key);
        const first = hit && hit.ordinal === offset + i && !seen.has(key);
        seen.add(key);
        return first ? { eventId: hit.eventId, deliveries: hit.deliveries } : { eventId: null, deliveries: [] };
      });
      offset += rows.length;
      return results;
    });
  }
}
