import { Inject, Injectable } from '@nestjs/common';
import { GroupCommit, IdentityHasher, RecentIdentityHashes } from '@fsd/platform';
import { WORKER_CONFIG, WorkerConfig } from '../config/worker.config';
import { SuppressedIdentitiesRepository } from '../data/suppressed-identities.repository';

/**
 * Whether any of an event's ids was erased by a deletion: the list holds keyed hashes only. Checks of
 * concurrent jobs are coalesced into one query per tick, as the delivery loads are, so suppression
 * (on by default) adds no round trip per delivery under load.
 */
@Injectable()
export class SuppressionService {
  private readonly hasher: RecentIdentityHashes;
  // Two statements in flight at most: under load, the checks that arrive meanwhile share the next one.
  private readonly checks = new GroupCommit<string[], boolean>((batch) => this.check(batch), {
    collect: 'tick',
    maxInFlight: 2,
  });

  constructor(
    private readonly suppressed: SuppressedIdentitiesRepository,
    @Inject(WORKER_CONFIG) config: WorkerConfig,
  ) {
    this.hasher = new RecentIdentityHashes(new IdentityHasher(config.secretsKey));
  }

  isSuppressed(identities: string[]): Promise<boolean> {
    if (identities.length === 0) return Promise.resolve(false);
    return this.checks.submit(identities.map((i) => this.hasher.hash(i)));
  }

  /** One query for the hashes of every check of the tick; each check is suppressed when any of its hashes is. */
  private async check(batch: string[][]): Promise<boolean[]> {
    const found = await this.suppressed.found(batch.flat());
    return batch.map((hashes) => hashes.some((h) => found.has(h)));
  }
}
