import { ListOperationsResponse } from '@fsd/fullstory-contracts';
import { invalidArgument, notFound } from '../errors';
import { firstQuery, ok, paginate, Result, RouteDef } from './types';

export const operationRoutes: RouteDef[] = [
  {
    method: 'GET',
    url: '/operations/v1/:id',
    minRole: 'architect',
    handler: ({ state, params }): Result => {
      const op = state.operations.get(params.id, state.now());
      return op === undefined ? notFound() : ok(op);
    },
  },
  {
    method: 'GET',
    url: '/operations/v1',
    minRole: 'architect',
    handler: ({ state, query }): Result => {
      const limitRaw = firstQuery(query, 'limit');
      const limit = limitRaw === undefined || limitRaw === '' ? 20 : Number(limitRaw);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
        return invalidArgument('limit must be an integer between 1 and 100');
      }
      const stateFilter = firstQuery(query, 'state');
      const typeFilter = firstQuery(query, 'type');
      const all = state.operations
        .list(state.now())
        .filter(
          (op) => (stateFilter ? op.state === stateFilter : true) && (typeFilter ? op.type === typeFilter : true),
        );
      const { page, next } = paginate(all, firstQuery(query, 'paginationToken'), limit);
      const body: ListOperationsResponse = { operations: page, nextPaginationToken: next ?? '' };
      return ok(body);
    },
  },
];
