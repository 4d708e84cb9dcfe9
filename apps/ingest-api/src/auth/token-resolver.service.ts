import { Inject, Injectable } from '@nestjs/common';
import { safeEqual } from '@fsd/platform';
import { AdminTokenRow, AdminTokensRepository } from './admin-tokens.repository';
import { tokenHash } from './bearer-token';
import { randomBytes } from 'crypto';
import { BOOTSTRAP_PRINCIPAL, BOOTSTRAP_TOKEN_ID, Principal, Via } from './principal';

export const AUTH_SETTINGS = Symbol('AUTH_SETTINGS');
export interface AuthSettings {
  /** The bootstrap admin token (ADMIN_TOKEN). */
  adminToken: string;
}

/**
 * How long a looked-up token is believed. Short, so a revocation takes effect on every instance within about a
 * second, while a page of requests costs one query.
 */
export const TOKEN_CACHE_MS = 1000;
const CACHE_MAX = 1000;
/** A delegated token lives this long, for one request. */
const DELEGATION_MS = 10_000;

function principalOfRow(row: AdminTokenRow): Principal {
  return {
    tokenId: row.id,
    name: row.name,
    role: row.role,
    sourceIds: row.source_ids,
    destinationIds: row.destination_ids,
    expiresAt: row.expires_at,
  };
}

/** Turns a presented token (or a session's token id) into a Principal: ADMIN_TOKEN, or a live role token. */
@Injectable()
export class TokenResolver {
  private readonly cache = new Map<string, { principal: Principal | null; until: number }>();
  private readonly delegated = new Map<string, { principal: Principal; via: Via; until: number }>();

  constructor(
    @Inject(AUTH_SETTINGS) private readonly settings: AuthSettings,
    private readonly tokens: AdminTokensRepository,
  ) {}

  /**
   * A one-request, in-process token standing for `principal`: the operations page forwards its replay and redrive
   * to the admin API with it, so the API checks (and the audit log records) the page's user, not ADMIN_TOKEN.
   */
  delegate(principal: Principal, via: Via): string {
    const now = Date.now();
    for (const [k, v] of this.delegated) if (v.until <= now) this.delegated.delete(k);
    const token = `fsd_delegated_${randomBytes(32).toString('base64url')}`;
    this.delegated.set(token, { principal, via, until: now + DELEGATION_MS });
    return token;
  }

  /** A presented token: a delegation (used up here) or a token. */
  async resolveCaller(token: string): Promise<{ principal: Principal; via: Via } | null> {
    const delegation = this.delegated.get(token);
    if (delegation) {
      this.delegated.delete(token);
      return delegation.until > Date.now() ? { principal: delegation.principal, via: delegation.via } : null;
    }
    const principal = await this.resolve(token);
    return principal ? { principal, via: 'api' } : null;
  }

  async resolve(token: string): Promise<Principal | null> {
    if (this.settings.adminToken.length > 0 && safeEqual(token, this.settings.adminToken)) return BOOTSTRAP_PRINCIPAL;
    if (token.length < 16 || token.length > 200) return null;
    return this.cached(`h:${tokenHash(token)}`, async (key) => {
      const row = await this.tokens.findLiveByHash(key.slice(2));
      return row ? principalOfRow(row) : null;
    });
  }

  /** A session remembers its token's id, not the token: is that token still live? */
  async resolveId(tokenId: string): Promise<Principal | null> {
    if (tokenId === BOOTSTRAP_TOKEN_ID) return this.settings.adminToken.length > 0 ? BOOTSTRAP_PRINCIPAL : null;
    if (!/^[0-9a-f-]{36}$/.test(tokenId)) return null;
    return this.cached(`i:${tokenId}`, async (key) => {
      const row = await this.tokens.findLiveById(key.slice(2));
      return row ? principalOfRow(row) : null;
    });
  }

  /** Forgets cached answers at once (this instance); other instances follow within TOKEN_CACHE_MS. */
  forget(): void {
    this.cache.clear();
  }

  private async cached(key: string, load: (key: string) => Promise<Principal | null>): Promise<Principal | null> {
    const now = Date.now();
    const hit = this.cache.get(key);
    let principal: Principal | null;
    if (hit && hit.until > now) {
      principal = hit.principal;
    } else {
      principal = await load(key);
      if (this.cache.size >= CACHE_MAX) this.cache.clear();
      this.cache.set(key, { principal, until: now + TOKEN_CACHE_MS });
    }
    // An expiry passing while cached counts at once.
    return principal && principal.expiresAt && principal.expiresAt.getTime() <= now ? null : principal;
  }
}
