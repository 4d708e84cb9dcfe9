import { Role } from '../config';

export interface KeyRecord {
  key: string;
  role: Role;
  orgId: string;
  email: string;
}

const RANK: Record<Role, number> = { standard: 1, architect: 2, admin: 3 };

/** Admin ⊇ Architect ⊇ Standard. */
export function roleAtLeast(role: Role, minimum: Role): boolean {
  return RANK[role] >= RANK[minimum];
}

export const FAKE_ORG_ID = 'o-FAKE-na1';

export class KeyRegistry {
  private readonly keys = new Map<string, KeyRecord>();

  constructor(private readonly defaults: ReadonlyMap<string, Role>) {
    this.reset();
  }

  register(key: string, role: Role, email?: string): KeyRecord {
    const record: KeyRecord = { key, role, orgId: FAKE_ORG_ID, email: email ?? `${role}@fake-fullstory.test` };
    this.keys.set(key, record);
    return record;
  }

  get(key: string): KeyRecord | undefined {
    return this.keys.get(key);
  }

  list(): KeyRecord[] {
    return [...this.keys.values()];
  }

  /** Forgets keys registered at run time and restores the configured defaults. */
  reset(): void {
    this.keys.clear();
    for (const [key, role] of this.defaults) this.register(key, role);
  }
}
