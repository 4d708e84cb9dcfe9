import { MeResponse } from '@fsd/fullstory-contracts';
import { ok, RouteDef } from './types';

const ROLE_NAMES: Record<string, MeResponse['role']> = { admin: 'ADMIN', architect: 'ARCHITECT', standard: 'USER' };

export const meRoutes: RouteDef[] = [
  {
    method: 'GET',
    url: '/me',
    minRole: 'any',
    handler: ({ key }) => {
      const body: MeResponse = { email: key.email, orgId: key.orgId, role: ROLE_NAMES[key.role] };
      return ok(body);
    },
  },
];
