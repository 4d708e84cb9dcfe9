import { Inject, Injectable } from '@nestjs/common';
import { IdentityHasher } from '@fsd/platform';
import { WORKER_CONFIG, WorkerConfig } from '../config/worker.config';
import { SuppressedIdentitiesRepository } from '../data/suppressed-identities.repository';

interface PendingCheck {
  hashes: string[];
  resolve: (suppressed: boolean) => void;
  reject: (e: unknown) => void;
}

/**
 * Whether any of an event's ids was erased by a deletion: the list holds keyed hashes only. Checks of
 * concurrent jobs are coalesced into one query per tick, as the delivery loads are, so suppression
 * (on by default) adds no round trip per delivery under load.
 */
@Injectable()
export class SuppressionService {
  private readonly hasher: IdentityHasher;
  private pending: PendingCheck[] = [];

  constructor(
    private readonly suppressed: SuppressedIdentitiesRepository,
    @Inject(WORKER_CONFIG) config: WorkerConfig,
  ) {
    this.hasher = new IdentityHasher(config.secretsKey);
  }

  isSuppressed(identities: string[]): Promise<boolean> {
    if (identities.length === 0) return Promise.resolve(false);
    return new Promise((resolve, reject) => {
      this.pending.push({ hashes: identities.map((i) => this.hasher.hash(i)), resolve, reject });
      if (this.pending.length === 1) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    try {
      const found = await this.suppressed.found(batch.flatMap((b) => b.hashes));
      for (const b of batch) b.resolve(b.hashes.some((h) => found.has(h)));
    } catch (e) {
      for (const b of batch) b.reject(e);
    }
  }
}
