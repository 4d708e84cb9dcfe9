/** What an erased event keeps of its payload and raw body: when, and by which deletion. */
export interface ErasedTombstone {
  erased: { at: string; deletionId: string };
}

export function erasedTombstone(deletionId: string, at: Date): ErasedTombstone {
  return { erased: { at: at.toISOString(), deletionId } };
}

export function isErasedTombstone(value: unknown): value is ErasedTombstone {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  const inner = (value as { erased?: unknown }).erased;
  return keys.length === 1 && keys[0] === 'erased' && typeof inner === 'object' && inner !== null;
}
