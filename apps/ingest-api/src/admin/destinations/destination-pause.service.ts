import { Injectable, Logger } from '@nestjs/common';
import { notFound } from '../../core/errors/app-error';
import { QueueRegistry } from '../../core/queue/queue-registry.service';
import { messageOf } from '../../core/errors/message-of';
import { DestinationsRepository } from './destinations.repository';

export interface PauseState {
  id: string;
  paused: boolean;
}

/**
 * Pause and resume of a destination. `destinations.paused` is the truth (its change is announced to every worker
 * by the table's NOTIFY trigger; each worker brings the queue's pause to it). The destination's BullMQ queue is
 * paused here too, at once and for every worker: nothing new starts (live jobs, retries as they come due,
 * replays, redrives), nothing fails, and new events are still logged and queued. Resume sends them all.
 */
@Injectable()
export class DestinationPauseService {
  private readonly logger = new Logger('AdminDestinationPause');

  constructor(
    private readonly destinations: DestinationsRepository,
    private readonly queues: QueueRegistry,
  ) {}

  pause(id: string): Promise<PauseState> {
    return this.set(id, true);
  }

  resume(id: string): Promise<PauseState> {
    return this.set(id, false);
  }

  private async set(id: string, paused: boolean): Promise<PauseState> {
    if (!(await this.destinations.setPaused(id, paused))) throw notFound(`Destination ${id} does not exist`);
    const queue = this.queues.forDestination(id);
    try {
      await (paused ? queue.pause() : queue.resume());
    } catch (e) {
      // The stored state stands: the workers apply it to the queue as soon as Redis answers them.
      this.logger.warn(`queue of destination ${id} not ${paused ? 'paused' : 'resumed'} yet: ${messageOf(e)}`);
    }
    return { id, paused };
  }
}
