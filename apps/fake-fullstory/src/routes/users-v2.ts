import { CreateUserResponse, ListUsersResponse } from '@fsd/fullstory-contracts';
import { invalidArgument, notFound, requiredField } from '../errors';
import { toGetUser } from '../store/users';
import { validateCreateUser } from '../validation/v2';
import { boolQuery, firstQuery, ok, paginate, Result, RouteDef } from './types';
import { deleteUserData } from './users-v1';

const PAGE_SIZE = 100;

export const usersV2Routes: RouteDef[] = [
  {
    method: 'POST',
    url: '/v2/users',
    minRole: 'standard',
    idempotent: true,
    v2: true,
    handler: ({ state, body, notes }): Result => {
      const v = validateCreateUser(body, state.settings.namingMode);
      if (!v.ok) return v.error;
      notes.push(...v.notes);
      const user = state.users.upsert(v.value);
      const res: CreateUserResponse = { id: user.id };
      return ok(res);
    },
  },
  {
    method: 'GET',
    url: '/v2/users/:id',
    minRole: 'architect',
    v2: true,
    handler: ({ state, params, query }): Result => {
      const user = state.users.getById(params.id);
      return user === undefined ? notFound() : ok(toGetUser(user, boolQuery(query, 'include_schema')));
    },
  },
  {
    method: 'GET',
    url: '/v2/users',
    minRole: 'architect',
    v2: true,
    handler: ({ state, query }): Result => {
      const uid = firstQuery(query, 'uid');
      const email = firstQuery(query, 'email');
      const displayName = firstQuery(query, 'display_name');
      const identified = firstQuery(query, 'is_identified');
      const includeSchema = boolQuery(query, 'include_schema');
      const matches = state.users.list().filter((u) => {
        if (uid !== undefined && u.uid !== uid) return false;
        if (email !== undefined && u.email !== email) return false;
        if (displayName !== undefined && u.display_name !== displayName) return false;
        if (identified !== undefined && String(u.identified) !== identified) return false;
        return true;
      });
      const { page, next } = paginate(matches, firstQuery(query, 'page_token'), PAGE_SIZE);
      const res: ListUsersResponse = {
        results: page.map((u) => toGetUser(u, includeSchema)),
        total_records: String(matches.length),
      };
      if (next !== undefined) res.next_page_token = next;
      return ok(res);
    },
  },
  {
    method: 'POST',
    url: '/v2/users/:id',
    minRole: 'standard',
    v2: true,
    handler: ({ state, params, body, notes }): Result => {
      const v = validateCreateUser(body, state.settings.namingMode);
      if (!v.ok) return v.error;
      notes.push(...v.notes);
      const user = state.users.getById(params.id);
      if (user === undefined || user.is_being_deleted) return notFound();
      const { uid } = v.value;
      if (uid !== undefined && user.uid !== undefined && uid !== user.uid) {
        return invalidArgument('uid of an identified user cannot be changed');
      }
      if (uid !== undefined && user.uid === undefined) {
        if (state.users.getByUid(uid) !== undefined) return invalidArgument('uid already belongs to another user');
        state.users.assignUid(user, uid);
      }
      state.users.apply(user, v.value);
      const res: CreateUserResponse = { id: user.id };
      return ok(res);
    },
  },
  {
    method: 'DELETE',
    url: '/v2/users/:id',
    minRole: 'architect',
    v2: true,
    handler: ({ state, params }): Result => {
      const user = state.users.getById(params.id);
      if (user === undefined) return state.settings.deleteUnknownUserStatus === 404 ? notFound() : ok({});
      deleteUserData(state, user);
      return ok({});
    },
  },
  {
    method: 'DELETE',
    url: '/v2/users',
    minRole: 'architect',
    v2: true,
    handler: ({ state, query }): Result => {
      const uid = firstQuery(query, 'uid');
      if (uid === undefined || uid === '') return requiredField('uid');
      const user = state.users.getByUid(uid);
      if (user === undefined) return state.settings.deleteUnknownUserStatus === 404 ? notFound() : ok({});
      deleteUserData(state, user);
      return ok({});
    },
  },
];
