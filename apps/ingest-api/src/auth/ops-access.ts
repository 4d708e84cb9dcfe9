import type { Principal } from './principal';
import { allows } from './roles';

/** What the operations page shows a user: only the controls their role may use. */
export interface OpsAccess {
  name: string;
  role: string;
  replay: boolean;
  redrive: boolean;
  pause: boolean;
}

export function opsAccess(p: Principal): OpsAccess {
  return {
    name: p.name,
    role: p.role,
    replay: allows(p.role, 'replays.write'),
    redrive: allows(p.role, 'deliveries.redrive'),
    pause: allows(p.role, 'destinations.pause'),
  };
}
