import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { ReplayProgress, ReplayReadsRepository, ReplayWindow } from './replay-reads.repository';
import { progressMaxAgeMs } from './progress-max-age';

export interface CountedProgress {
  progress: ReplayProgress;
  /** When the deliveries were counted (the answer may be this old: see progressMaxAgeMs). */
  countedAt: Date;
}

interface Entry {
  counted?: CountedProgress;
  maxAgeMs: number;
  counting?: Promise<CountedProgress>;
}

/** Replays whose last count is remembered (most recently read first out of it). */
const REMEMBERED_REPLAYS = 500;

/**
 * A replay's progress is a count over all its deliveries: proportional to its size, so every page that polls a
 * large replay would add that count again. Reads share one count in flight, and a count is reused for a
 * multiple of what it took (progressMaxAgeMs): the cost stays bounded per replay, not per reader.
 */
@Injectable()
export class ReplayProgressCache {
  private readonly entries = new LRUCache<string, Entry>({ max: REMEMBERED_REPLAYS });

  constructor(private readonly reads: ReplayReadsRepository) {}

  async get(replay: ReplayWindow): Promise<CountedProgress> {
    const entry = this.entries.get(replay.id) ?? { maxAgeMs: 0 };
    this.entries.set(replay.id, entry);
    if (entry.counted && Date.now() - entry.counted.countedAt.getTime() <= entry.maxAgeMs) return entry.counted;
    entry.counting ??= this.count(replay, entry);
    return entry.counting;
  }

  private async count(replay: ReplayWindow, entry: Entry): Promise<CountedProgress> {
    const started = Date.now();
    try {
      const progress = await this.reads.progressOf(replay);
      entry.counted = { progress, countedAt: new Date(started) };
      entry.maxAgeMs = progressMaxAgeMs(Date.now() - started);
      return entry.counted;
    } finally {
      entry.counting = undefined;
    }
  }
}
