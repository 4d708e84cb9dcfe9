import { Inject, Injectable } from '@nestjs/common';
import { safeEqual } from '@fsd/platform';
import { AdminTokenRow, AdminTokensRepository } from './admin-tokens.repository';
import { tokenHash } from './bearer-token';
import { BOOTSTRAP_PRINCIPAL, BOOTSTRAP_TOKEN_ID, Principal } from './principal';

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

  constructor(
    @Inject(AUTH_SETTINGS) private readonly settings: AuthSettings,
    private readonly tokens: AdminTokensRepository,
  ) {}

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
