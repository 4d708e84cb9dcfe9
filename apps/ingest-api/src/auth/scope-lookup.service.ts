import { Injectable } from '@nestjs/common';
import type { TargetKind } from './route-rule';
import type { Owners } from './scope';
import { ScopeTargetsRepository } from './scope-targets.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BIGINT = /^[0-9]{1,18}$/;

/** Which sources and destinations an object named in a route belongs to (reads only). */
@Injectable()
export class ScopeLookup {
  constructor(private readonly targets: ScopeTargetsRepository) {}

  /** null when the id is malformed or unknown: the route itself answers (400 or 404). */
  async owners(kind: TargetKind, id: string): Promise<Owners | null> {
    switch (kind) {
      case 'source':
        return UUID.test(id) ? { sources: [id.toLowerCase()] } : null;
      case 'destination':
        return UUID.test(id) ? { destinations: [id.toLowerCase()] } : null;
      case 'event':
        return BIGINT.test(id) ? this.eventOwners(id) : null;
      case 'replay':
        return BIGINT.test(id) ? this.replayOwners(id) : null;
      case 'deletion':
        return BIGINT.test(id) ? this.deletionOwners(id) : null;
    }
  }

  /** The sources connected to a destination. */
  async connectedSources(destinationId: string): Promise<string[]> {
    return UUID.test(destinationId) ? this.targets.connectedSources(destinationId) : [];
  }

  private async eventOwners(id: string): Promise<Owners | null> {
    const owners = await this.targets.eventOwners(id);
    return owners ? { sources: [owners.sourceId], destinations: owners.destinationIds, anyDestination: true } : null;
  }

  /** A replay covers its filter's sources, or else every source connected to its destination. */
  private async replayOwners(id: string): Promise<Owners | null> {
    const replay = await this.targets.replayTarget(id);
    if (!replay) return null;
    const sources = replay.sourceIds ?? (await this.targets.connectedSources(replay.destinationId));
    return { sources, destinations: [replay.destinationId] };
  }

  /** A deletion covers the destinations it targets, and through them the sources connected to those. */
  private async deletionOwners(id: string): Promise<Owners | null> {
    const targets = await this.targets.deletionTargets(id);
    return targets ? { destinations: targets.destinationIds, sources: targets.sourceIds } : null;
  }
}
