import { Logger } from '@nestjs/common';
import { existsSync } from 'fs';
import path from 'path';
import { Worker } from 'worker_threads';
import type {
  EnqueueThreadData,
  EnqueueThreadQueueJobs,
  EnqueueThreadReply,
  EnqueueThreadRequest,
} from './enqueue-thread.protocol';
import { messageOf } from '../../core/errors/message-of';
import { rateLimitedWarnings } from '../../core/errors/rate-limited-warnings';

/** The compiled thread entry beside this file; absent when running from TypeScript sources (unit tests). */
const THREAD_FILE = path.join(__dirname, 'enqueue.thread.js');

/**
 * The main thread's handle on the enqueue thread: `add` resolves when the jobs are in Redis and
 * rejects when they could not be added (or the thread died), so the caller can log and leave them to
 * the outbox relay.
 */
export class EnqueueThread {
  private readonly logger = new Logger(EnqueueThread.name);
  private readonly warnings = rateLimitedWarnings(this.logger);
  private readonly pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  /** Woken when no batch is waiting for its acknowledgement. */
  private readonly idle: (() => void)[] = [];
  private seq = 0;
  private closing?: Promise<void>;
  private dead = false;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: EnqueueThreadReply) => this.onReply(reply));
    worker.on('error', (e) => this.fail(`enqueue thread failed: ${e.message}`));
    worker.on('exit', (code) => this.fail(`enqueue thread exited (code ${code})`));
  }

  /** Starts the thread, or returns undefined (the caller enqueues on its own thread) when it cannot. */
  static start(data: EnqueueThreadData, file = THREAD_FILE): EnqueueThread | undefined {
    if (!existsSync(file)) return undefined;
    try {
      return new EnqueueThread(new Worker(file, { workerData: data }));
    } catch (e) {
      new Logger(EnqueueThread.name).warn(`no enqueue thread (${messageOf(e)}); enqueueing on the main thread`);
      return undefined;
    }
  }

  /** False once the thread has died or is closing: the caller then enqueues itself. */
  get alive(): boolean {
    return !this.dead && this.closing === undefined;
  }

  add(queues: EnqueueThreadQueueJobs[]): Promise<void> {
    if (!this.alive) return Promise.reject(new Error('the enqueue thread is not running'));
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(seq, { resolve, reject });
      this.worker.postMessage({ kind: 'add', seq, queues } satisfies EnqueueThreadRequest);
    });
  }

  /**
   * Waits for the batches already sent (at most `waitMs`: with Redis gone they would never finish, and
   * their deliveries are committed, so the relay enqueues them later), then closes the thread's queues
   * and Redis connection (at most `waitMs` again) and ends the thread.
   */
  close(waitMs = 5000): Promise<void> {
    this.closing ??= (async () => {
      const settled = new Promise<void>((resolve) => (this.pending.size === 0 ? resolve() : this.idle.push(resolve)));
      await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, waitMs).unref())]);
      if (this.dead) return;
      const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
      this.worker.postMessage({ kind: 'close' } satisfies EnqueueThreadRequest);
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, waitMs).unref())]);
      await this.worker.terminate();
    })();
    return this.closing;
  }

  private onReply(reply: EnqueueThreadReply): void {
    if (reply.kind === 'warning') {
      this.warnings.warn(reply.source, reply.message);
      return;
    }
    const p = this.pending.get(reply.seq);
    if (!p) return;
    this.pending.delete(reply.seq);
    if (reply.error === undefined) p.resolve();
    else p.reject(new Error(reply.error));
    if (this.pending.size === 0) for (const wake of this.idle.splice(0)) wake();
  }

  private fail(message: string): void {
    if (this.dead) return;
    this.dead = true;
    if (this.closing === undefined) this.logger.warn(`${message}; enqueueing on the main thread from now on`);
    for (const p of this.pending.values()) p.reject(new Error(message));
    this.pending.clear();
    for (const wake of this.idle.splice(0)) wake();
  }
}
