import { V1GetUserResponse } from '@fsd/fullstory-contracts';
import { notFound } from '../errors';
import { FakeState } from '../store/state';
import { UserRecord } from '../store/users';
import { validateCustomEvent, validateCustomVars } from '../validation/v1';
import { ok, Result, RouteDef } from './types';

const NOT_IDENTIFIED = 'User with that ID does not exist';

/** Deletes a user's data (v1 and v2 deletion alike). */
export function deleteUserData(state: FakeState, user: UserRecord): void {
  state.events.deleteForUser(user.uid, user.id);
  state.users.markDeleted(user);
}

export const usersV1Routes: RouteDef[] = [
  {
    method: 'POST',
    url: '/users/v1/individual/:uid/customvars',
    minRole: 'standard',
    handler: ({ state, params, body, notes }): Result => {
      const v = validateCustomVars(body, state.settings.namingMode);
      if (!v.ok) return v.error;
      notes.push(...v.notes);
      const user = state.users.getByUid(params.uid);
      if (user === undefined || !state.users.isIdentified(params.uid)) return notFound(NOT_IDENTIFIED);
      const properties: Record<string, unknown> = {};
      for (const [k, value] of Object.entries(v.value)) {
        if (k === 'uid') continue;
        if (k === 'displayName') user.display_name = typeof value === 'string' ? value : String(value);
        else if (k === 'email') user.email = typeof value === 'string' ? value : String(value);
        else properties[k] = value;
      }
      state.users.apply(user, { properties });
      return ok({});
    },
  },
  {
    method: 'POST',
    url: '/users/v1/individual/:uid/customevent',
    minRole: 'standard',
    handler: ({ state, params, body, notes }): Result => {
      const v = validateCustomEvent(body, state.settings.namingMode);
      if (!v.ok) return v.error;
      notes.push(...v.notes);
      const user = state.users.getByUid(params.uid);
      if (user === undefined || !state.users.isIdentified(params.uid)) return notFound(NOT_IDENTIFIED);
      const e = v.value;
      let session: Record<string, unknown> | null = null;
      if (e.session_url !== undefined) session = { session_url: e.session_url };
      else if (e.use_recent_session !== undefined) session = { use_recent_session: e.use_recent_session };
      else if (e.device_session !== undefined) session = { device_session: e.device_session };
      const receivedAt = state.nowIso();
      state.events.add({
        source: 'v1',
        uid: params.uid,
        userId: user.id,
        name: e.event_name,
        properties: e.event_data,
        timestamp: e.timestamp ?? receivedAt,
        session,
        context: null,
        receivedAt,
      });
      return ok({});
    },
  },
  {
    method: 'GET',
    url: '/users/v1/individual/:uid',
    minRole: 'architect',
    handler: ({ state, params }): Result => {
      const user = state.users.getByUid(params.uid);
      if (user === undefined || !state.users.isIdentified(params.uid)) return notFound(NOT_IDENTIFIED);
      const body: V1GetUserResponse = {
        uid: params.uid,
        displayName: user.display_name ?? '',
        email: user.email ?? '',
        numSessions: '0',
        firstSeen: user.createdAt,
        lastSeen: user.updatedAt,
        custom_vars: user.properties,
      };
      return ok(body);
    },
  },
  {
    method: 'DELETE',
    url: '/users/v1/individual/:uid',
    minRole: 'architect',
    handler: ({ state, params }): Result => {
      const user = state.users.getByUid(params.uid);
      if (user === undefined && state.settings.deleteUnknownUserStatus === 404) return notFound(NOT_IDENTIFIED);
      if (user !== undefined) deleteUserData(state, user);
      const op = state.operations.create(
        'DELETE_USER',
        { uid: params.uid },
        state.now(),
        state.settings.processingDelayMs,
      );
      return ok({ id: op.id });
    },
  },
];
