import { defaultMapping } from './schema/fields';
import type { ActionId } from './types';

export interface Preset {
  id: 'preset:trackEvent' | 'preset:identifyUser';
  name: 'Track Event' | 'Identify User';
  trigger: string;
  action: ActionId;
  mapping: Record<string, unknown>;
}

/** The two default subscriptions of a new destination (fullstory-destination.md §5). */
export const PRESETS: ReadonlyArray<Preset> = Object.freeze([
  {
    id: 'preset:trackEvent',
    name: 'Track Event',
    trigger: 'type = "track"',
    action: 'trackEventV2',
    mapping: defaultMapping('trackEventV2'),
  },
  {
    id: 'preset:identifyUser',
    name: 'Identify User',
    trigger: 'type = "identify"',
    action: 'identifyUserV2',
    mapping: defaultMapping('identifyUserV2'),
  },
] as Preset[]);
