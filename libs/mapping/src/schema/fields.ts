import type { ActionId } from '../types';

export type FieldType = 'string' | 'datetime' | 'boolean' | 'object';

export interface FieldDef {
  key: string;
  label: string;
  type: FieldType;
  required: boolean;
  /** Default mapping, when the field has one. */
  default?: Record<string, unknown>;
}

const path = (p: string): Record<string, unknown> => ({ '@path': p });

const trackFields = (userIdRequired: boolean): FieldDef[] => [
  { key: 'userId', label: 'User ID', type: 'string', required: userIdRequired, default: path('$.userId') },
  { key: 'name', label: 'Name', type: 'string', required: true, default: path('$.event') },
  { key: 'properties', label: 'Properties', type: 'object', required: false, default: path('$.properties') },
  { key: 'timestamp', label: 'Timestamp', type: 'datetime', required: false, default: path('$.timestamp') },
  { key: 'useRecentSession', label: 'Use Recent Session', type: 'boolean', required: false },
  { key: 'sessionUrl', label: 'Session URL', type: 'string', required: false },
];

/** Field definitions per action, in definition order (drives validation message order). */
export const ACTION_FIELDS: Readonly<Record<ActionId, readonly FieldDef[]>> = {
  trackEvent: trackFields(true),
  trackEventV2: trackFields(false),
  identifyUser: [
    { key: 'userId', label: 'User ID', type: 'string', required: true, default: path('$.userId') },
    { key: 'anonymousId', label: 'Anonymous ID', type: 'string', required: false, default: path('$.anonymousId') },
    { key: 'displayName', label: 'Display Name', type: 'string', required: false, default: path('$.traits.name') },
    { key: 'email', label: 'Email', type: 'string', required: false, default: path('$.traits.email') },
    { key: 'traits', label: 'Traits', type: 'object', required: false, default: path('$.traits') },
  ],
  identifyUserV2: [
    { key: 'uid', label: 'User ID', type: 'string', required: false, default: path('$.userId') },
    { key: 'anonymousId', label: 'Anonymous ID', type: 'string', required: false, default: path('$.anonymousId') },
    { key: 'displayName', label: 'Display Name', type: 'string', required: false, default: path('$.traits.name') },
    { key: 'email', label: 'Email', type: 'string', required: false, default: path('$.traits.email') },
    { key: 'properties', label: 'Traits', type: 'object', required: false, default: path('$.traits') },
  ],
};

/** The default mapping of an action: exactly the fields that have a default. */
export function defaultMapping(action: ActionId): Record<string, unknown> {
  const fields = ACTION_FIELDS[action];
  if (!fields) throw new Error(`Unknown action "${String(action)}"`);
  const out: Record<string, unknown> = {};
  for (const f of fields) if (f.default) out[f.key] = { ...f.default };
  return out;
}
