import { Operation, OperationState, OperationType } from '@fsd/fullstory-contracts';

interface OperationRecord {
  id: string;
  type: OperationType;
  details: Record<string, unknown>;
  createdMs: number;
  dueMs: number;
}

/** v1 asynchronous operations (user deletion). PENDING until the processing delay elapses, then COMPLETED. */
export class OperationStore {
  private readonly ops = new Map<string, OperationRecord>();
  private counter = 0;

  create(type: OperationType, details: Record<string, unknown>, createdMs: number, delayMs: number): Operation {
    this.counter++;
    const id = Buffer.from(`fake-operation:${this.counter}`).toString('base64');
    const record: OperationRecord = { id, type, details, createdMs, dueMs: createdMs + delayMs };
    this.ops.set(id, record);
    return this.view(record, createdMs);
  }

  get(id: string, now: number): Operation | undefined {
    const record = this.ops.get(id);
    return record === undefined ? undefined : this.view(record, now);
  }

  list(now: number): Operation[] {
    return [...this.ops.values()].map((r) => this.view(r, now));
  }

  private view(r: OperationRecord, now: number): Operation {
    const done = now >= r.dueMs;
    const state: OperationState = done ? 'COMPLETED' : 'PENDING';
    const span = r.dueMs - r.createdMs;
    return {
      id: r.id,
      type: r.type,
      details: r.details,
      results: {},
      state,
      errorDetails: '',
      createdAt: new Date(r.createdMs).toISOString(),
      finishedAt: done ? new Date(r.dueMs).toISOString() : '',
      estimatePctComplete: done ? 100 : Math.floor(((now - r.createdMs) / span) * 100),
      step: done ? 'done' : 'deleting',
    };
  }

  clear(): void {
    this.ops.clear();
    this.counter = 0;
  }
}
