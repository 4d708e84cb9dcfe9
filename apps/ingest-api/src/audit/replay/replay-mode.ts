export const REPLAY_MODES = ['batch', 'per-event'] as const;
export type ReplayMode = (typeof REPLAY_MODES)[number];

/**
 * The mode of a replay that names none: batch when every subscription of the destination is a version 2 action
 * (FullStory's batch import takes only v2 users and events), per event otherwise. The presets are v2 actions.
 */
export function defaultReplayMode(subscribedActions: string[]): ReplayMode {
  return subscribedActions.every((a) => a.endsWith('V2')) ? 'batch' : 'per-event';
}
