import type { Principal } from './principal';
import type { Dimension } from './route-rule';

/** The sources and destinations an object belongs to. `anyDestination`: one of them inside is enough (an event). */
export interface Owners {
  sources?: string[];
  destinations?: string[];
  anyDestination?: boolean;
}

export function limitOf(p: Principal, d: Dimension): string[] | null {
  return d === 'source' ? p.sourceIds : p.destinationIds;
}

export function idInside(p: Principal, d: Dimension, id: string): boolean {
  const limit = limitOf(p, d);
  return limit === null || limit.includes(id.toLowerCase());
}

/**
 * Whether an object is inside the token's scope. Pure. An object naming no sources (or no destinations) at all, in
 * a dimension the token is limited in, names nothing inside that scope: outside (a deletion with no target
 * destinations erases every source's copy, not only the token's).
 */
export function ownersInside(p: Principal, o: Owners): boolean {
  if (p.sourceIds && o.sources) {
    if (o.sources.length === 0 || !o.sources.every((s) => idInside(p, 'source', s))) return false;
  }
  if (p.destinationIds && o.destinations) {
    if (o.destinations.length === 0) return false;
    const inside = o.destinations.map((d) => idInside(p, 'destination', d));
    if (o.anyDestination ? !inside.some(Boolean) : !inside.every(Boolean)) return false;
  }
  return true;
}
