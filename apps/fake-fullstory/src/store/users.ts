import { CreateUserRequest, GetUserResponse, PropertySchema } from '@fsd/fullstory-contracts';

export interface UserRecord {
  id: string;
  uid?: string;
  display_name?: string;
  email?: string;
  properties: Record<string, unknown>;
  schema?: PropertySchema;
  /** Identified as a browser session would (`FS.identify`): seeded via the control API or upserted with a uid via POST /v2/users. */
  identified: boolean;
  is_being_deleted: boolean;
  createdAt: string;
  updatedAt: string;
  /** How the user came to exist: control seed, v2 upsert, v2 event, batch import. */
  origin: 'seed' | 'v2_users' | 'v2_events' | 'batch';
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge of property bags: nested objects merge, the newest value wins otherwise. */
export function mergeProperties(
  target: Record<string, unknown>,
  source: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...target };
  for (const [k, v] of Object.entries(source)) {
    const existing = out[k];
    out[k] = isPlainObject(existing) && isPlainObject(v) ? mergeProperties(existing, v) : v;
  }
  return out;
}

export const APP_URL_BASE = 'https://app.fullstory.com/ui/o-FAKE-na1';

export function toGetUser(u: UserRecord, includeSchema: boolean): GetUserResponse {
  const out: GetUserResponse = { id: u.id, is_being_deleted: u.is_being_deleted, properties: u.properties };
  if (u.uid !== undefined) out.uid = u.uid;
  if (u.display_name !== undefined) out.display_name = u.display_name;
  if (u.email !== undefined) out.email = u.email;
  if (includeSchema) out.schema = u.schema ?? { properties: {} };
  out.type_conflicts = {};
  out.app_url = `${APP_URL_BASE}/segments/everyone/people:search:((NOW%2FDAY-29DAY:NOW%2FDAY%2B1DAY):((UserAppKey:==:%22${encodeURIComponent(u.uid ?? u.id)}%22)):():():():)/0`;
  return out;
}

/** In-memory users; ids come from a counter so a replayed test sees the same ids. */
export class UserStore {
  private readonly byId = new Map<string, UserRecord>();
  private readonly byUid = new Map<string, string>();
  private counter = 0;

  constructor(private readonly now: () => number) {}

  private nextId(): string {
    this.counter++;
    return String(1_000_000_000_000 + this.counter);
  }

  getById(id: string): UserRecord | undefined {
    return this.byId.get(id);
  }

  /** The live (not deleted) user holding this uid. */
  getByUid(uid: string): UserRecord | undefined {
    const id = this.byUid.get(uid);
    return id === undefined ? undefined : this.byId.get(id);
  }

  isIdentified(uid: string): boolean {
    const u = this.getByUid(uid);
    return u !== undefined && u.identified && !u.is_being_deleted;
  }

  list(): UserRecord[] {
    return [...this.byId.values()];
  }

  private create(origin: UserRecord['origin'], uid: string | undefined, identified: boolean): UserRecord {
    const at = new Date(this.now()).toISOString();
    const user: UserRecord = {
      id: this.nextId(),
      properties: {},
      identified,
      is_being_deleted: false,
      createdAt: at,
      updatedAt: at,
      origin,
    };
    if (uid !== undefined) {
      user.uid = uid;
      this.byUid.set(uid, user.id);
    }
    this.byId.set(user.id, user);
    return user;
  }

  apply(user: UserRecord, req: CreateUserRequest): void {
    if (req.display_name !== undefined) user.display_name = req.display_name;
    if (req.email !== undefined) user.email = req.email;
    if (req.properties !== undefined) user.properties = mergeProperties(user.properties, req.properties);
    if (req.schema?.properties !== undefined) {
      user.schema = { properties: { ...(user.schema?.properties ?? {}), ...req.schema.properties } };
    }
    user.updatedAt = new Date(this.now()).toISOString();
  }

  /** POST /v2/users: update the user holding `uid`, else create one (identified when it has a uid). */
  upsert(req: CreateUserRequest, origin: UserRecord['origin'] = 'v2_users'): UserRecord {
    const existing = req.uid !== undefined ? this.getByUid(req.uid) : undefined;
    const user = existing ?? this.create(origin, req.uid, req.uid !== undefined);
    if (req.uid !== undefined) user.identified = true;
    this.apply(user, req);
    return user;
  }

  /** Control API seed: marks `uid` as identified, creating the user when needed. */
  seed(req: CreateUserRequest & { uid: string }): UserRecord {
    const user = this.getByUid(req.uid) ?? this.create('seed', req.uid, true);
    user.identified = true;
    this.apply(user, req);
    return user;
  }

  /** A v2 event for an unknown uid creates the user (not identified in the v1 sense). */
  ensureForEvent(uid: string): UserRecord {
    return this.getByUid(uid) ?? this.create('v2_events', uid, false);
  }

  /** Sets the uid of a user that had none (POST /v2/users/{id}). */
  assignUid(user: UserRecord, uid: string): void {
    user.uid = uid;
    user.identified = true;
    this.byUid.set(uid, user.id);
  }

  /** GDPR deletion: the user stays visible with is_being_deleted, its uid is released. */
  markDeleted(user: UserRecord): void {
    user.is_being_deleted = true;
    user.identified = false;
    user.properties = {};
    if (user.uid !== undefined && this.byUid.get(user.uid) === user.id) this.byUid.delete(user.uid);
    user.updatedAt = new Date(this.now()).toISOString();
  }

  clear(): void {
    this.byId.clear();
    this.byUid.clear();
    this.counter = 0;
  }
}
