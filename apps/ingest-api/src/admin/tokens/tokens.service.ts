import { Injectable } from '@nestjs/common';
import { invalid } from '../common/admin-errors';
import { notFound } from '../../core/errors/app-error';
import { AdminTokenRow, AdminTokensRepository } from '../../auth/admin-tokens.repository';
import { newToken, tokenHash } from '../../auth/bearer-token';
import type { Principal } from '../../auth/principal';
import { ScopeTargetsRepository } from '../../auth/scope-targets.repository';
import { TokenResolver } from '../../auth/token-resolver.service';
import { CreateTokenDto } from './token.dto';

export function tokenView(row: AdminTokenRow) {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    sourceIds: row.source_ids,
    destinationIds: row.destination_ids,
    expiresAt: row.expires_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}

const unique = (ids?: string[]) => (ids ? [...new Set(ids.map((i) => i.toLowerCase()))] : null);

@Injectable()
export class TokensService {
  constructor(
    private readonly tokens: AdminTokensRepository,
    private readonly resolver: TokenResolver,
    private readonly targets: ScopeTargetsRepository,
  ) {}

  /** The token is in this answer only; afterwards only its hash exists. */
  async create(dto: CreateTokenDto, by: Principal) {
    const sourceIds = unique(dto.sourceIds);
    const destinationIds = unique(dto.destinationIds);
    if (dto.role === 'admin' && (sourceIds || destinationIds)) {
      throw invalid('invalid_request', 'An admin token cannot be limited to sources or destinations');
    }
    const expiresAt = dto.expiresAt ? new Date(dto.expiresAt) : null;
    if (expiresAt && expiresAt.getTime() <= Date.now()) throw invalid('invalid_request', 'expiresAt is in the past');
    await this.mustExist('sources', 'sourceIds', sourceIds);
    await this.mustExist('destinations', 'destinationIds', destinationIds);
    const token = newToken();
    const row = await this.tokens.insert({
      name: dto.name,
      role: dto.role,
      tokenHash: tokenHash(token),
      sourceIds,
      destinationIds,
      expiresAt,
      createdBy: by.tokenId,
    });
    return { ...tokenView(row), token };
  }

  async list() {
    return { tokens: (await this.tokens.list()).map(tokenView) };
  }

  /** Revoked at once on this instance, within a second on the others (TOKEN_CACHE_MS). */
  async revoke(id: string) {
    const row = await this.tokens.revoke(id);
    if (!row) throw notFound(`No token ${id}`);
    this.resolver.forget();
    return tokenView(row);
  }

  private async mustExist(table: 'sources' | 'destinations', field: string, ids: string[] | null): Promise<void> {
    if (!ids) return;
    const missing = await this.targets.missing(table, ids);
    if (missing.length > 0) {
      throw invalid(
        'invalid_request',
        `Unknown ${field}: ${missing.join(', ')}`,
        missing.map((m) => `${field}: ${m} does not exist`),
      );
    }
  }
}
