import { Pool } from 'pg';

export const REPLAY_MODES = ['batch', 'per-event'] as const;
export type ReplayMode = (typeof REPLAY_MODES)[number];

/**
 * The mode of a replay that names none: batch when every subscription of the destination is a version 2 action
 * (FullStory's batch import takes only v2 users and events), per event otherwise. The presets are v2 actions.
 */
export function defaultReplayMode(subscribedActions: string[]): ReplayMode {
  return subscribedActions.every((a) => a.endsWith('V2')) ? 'batch' : 'per-event';
}

/** The actions of the destination's enabled mappings (its presets are all v2). */
export async function subscribedActions(pool: Pool, destinationId: string): Promise<string[]> {
  const { rows } = await pool.query<{ action: string }>(
    'SELECT DISTINCT action FROM mappings WHERE destination_id = $1::uuid AND enabled',
    [destinationId],
  );
  return rows.map((r) => r.action);
}
