import { CreateEventRequest } from '@fsd/fullstory-contracts';
import { FakeState } from '../store/state';
import { validateCreateEvent } from '../validation/v2';
import { ok, Result, RouteDef } from './types';

/** Stores a validated v2 event; an unknown `user.uid` creates the user. */
export function storeV2Event(
  state: FakeState,
  e: CreateEventRequest,
  source: 'v2' | 'batch',
  sharedContext?: CreateEventRequest['context'],
): void {
  let uid: string | null = null;
  let userId: string | null = null;
  if (e.user?.uid !== undefined) {
    const user = state.users.ensureForEvent(e.user.uid);
    uid = e.user.uid;
    userId = user.id;
  } else if (e.user?.id !== undefined) {
    userId = e.user.id;
    uid = state.users.getById(e.user.id)?.uid ?? null;
  }
  const receivedAt = state.nowIso();
  state.events.add({
    source,
    uid,
    userId,
    name: e.name,
    properties: e.properties ?? {},
    timestamp: e.timestamp ?? receivedAt,
    session: e.session === undefined ? null : { ...e.session },
    context: e.context ?? sharedContext ?? null,
    receivedAt,
  });
}

export const eventsV2Routes: RouteDef[] = [
  {
    method: 'POST',
    url: '/v2/events',
    minRole: 'standard',
    idempotent: true,
    v2: true,
    handler: ({ state, body, notes }): Result => {
      const v = validateCreateEvent(body, {
        mode: state.settings.namingMode,
        enforceSessionUserExclusive: state.settings.enforceSessionUserExclusive,
      });
      if (!v.ok) return v.error;
      if (v.notes.length > 0) notes.push(...v.notes);
      storeV2Event(state, v.value, 'v2');
      return ok({});
    },
  },
];
