import type { Role } from './roles';

/** Who is calling: a role token (or the bootstrap ADMIN_TOKEN) and the scope it is limited to. */
export interface Principal {
  /** The token's id; `bootstrap` for ADMIN_TOKEN. */
  tokenId: string;
  name: string;
  role: Role;
  /** null: not limited to some sources. */
  sourceIds: string[] | null;
  /** null: not limited to some destinations. */
  destinationIds: string[] | null;
  expiresAt: Date | null;
}

export const BOOTSTRAP_TOKEN_ID = 'bootstrap';

export const BOOTSTRAP_PRINCIPAL: Principal = Object.freeze({
  tokenId: BOOTSTRAP_TOKEN_ID,
  name: 'ADMIN_TOKEN',
  role: 'admin',
  sourceIds: null,
  destinationIds: null,
  expiresAt: null,
});

export function isScoped(p: Principal): boolean {
  return p.sourceIds !== null || p.destinationIds !== null;
}

/** Where a change came from, for the admin audit log. */
export type Via = 'api' | 'ops-ui' | 'dashboard';

const PRINCIPAL = Symbol('fsdPrincipal');
const VIA = Symbol('fsdVia');

type Carrier = { [PRINCIPAL]?: Principal; [VIA]?: Via };

/** Set by the guard that authenticated the request; read by handlers and the audit interceptor. */
export function attachPrincipal(req: object, principal: Principal, via: Via): void {
  (req as Carrier)[PRINCIPAL] = principal;
  (req as Carrier)[VIA] = via;
}

export function principalOf(req: object): Principal | undefined {
  return (req as Carrier)[PRINCIPAL];
}

export function viaOf(req: object): Via {
  return (req as Carrier)[VIA] ?? 'api';
}

/** For handlers behind RoleGuard, which always attaches one. */
export function requirePrincipal(req: object): Principal {
  const p = principalOf(req);
  if (!p) throw new Error('no principal: the route is not behind RoleGuard');
  return p;
}
