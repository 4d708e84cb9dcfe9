import { EventContext } from '@fsd/fullstory-contracts';
import { BoundedList } from './bounded-list';

/** An event as FullStory would hold it (`GET /__fake/events`). */
export interface StoredEvent {
  /** Counter-derived id. */
  id: string;
  source: 'v1' | 'v2' | 'batch';
  /** Application uid when known. */
  uid: string | null;
  /** FullStory user id when known. */
  userId: string | null;
  name: string;
  properties: Record<string, unknown>;
  /** Event time (given or server time), ISO 8601. */
  timestamp: string;
  /** Session reference as sent (v2 `session`, or v1 `session_url` / `use_recent_session` / `device_session`). */
  session: Record<string, unknown> | null;
  context: EventContext | null;
  receivedAt: string;
}

export class EventStore {
  private readonly list: BoundedList<StoredEvent>;
  private counter = 0;

  constructor(capacity: number) {
    this.list = new BoundedList(capacity);
  }

  add(event: Omit<StoredEvent, 'id'>): StoredEvent {
    this.counter++;
    const stored: StoredEvent = { id: `evt-${this.counter}`, ...event };
    this.list.push(stored);
    return stored;
  }

  all(): StoredEvent[] {
    return this.list.toArray();
  }

  get dropped(): number {
    return this.list.dropped;
  }

  deleteForUser(uid: string | undefined, userId: string): void {
    this.list.retain((e) => e.userId !== userId && (uid === undefined || e.uid !== uid));
  }

  clear(): void {
    this.list.clear();
    this.counter = 0;
  }
}
