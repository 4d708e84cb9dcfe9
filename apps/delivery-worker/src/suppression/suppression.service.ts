import { Inject, Injectable } from '@nestjs/common';
import { ErasureCheck } from '@fsd/delivery-data';
import { IdentityHasher, RecentIdentityHashes } from '@fsd/platform';
import { WORKER_CONFIG, WorkerConfig } from '../config/worker.config';

/**
 * Whether an event's user was erased: deleted on its destination through /admin/deletions, or any of its ids on
 * the suppression list (keyed hashes only). The questions of concurrent jobs share one statement per tick
 * (ErasureCheck), so suppression (on by default) adds no round trip per delivery under load.
 */
@Injectable()
export class SuppressionService {
  private readonly hasher: RecentIdentityHashes;

  constructor(
    private readonly erasure: ErasureCheck,
    @Inject(WORKER_CONFIG) config: WorkerConfig,
  ) {
    this.hasher = new RecentIdentityHashes(new IdentityHasher(config.secretsKey));
  }

  /** `userId`: the user to look up among the destination's deletions (null: none); `identities`: the ids to hash. */
  isErased(destinationId: string, userId: string | null, identities: string[]): Promise<boolean> {
    return this.erasure.erased({
      user: userId === null ? null : { destinationId, userId },
      hashes: this.hashes(identities),
    });
  }

  /** Whether any of the ids is on the suppression list. */
  isSuppressed(identities: string[]): Promise<boolean> {
    return this.erasure.erased({ user: null, hashes: this.hashes(identities) });
  }

  private hashes(identities: string[]): string[] {
    return identities.map((i) => this.hasher.hash(i));
  }
}
