/**
 * The sources a replay asks for that its destination is not connected to (so the request is refused).
 * Uuids compare case-insensitively; each one is named once, in the order asked.
 */
export function unconnectedSources(requested: readonly string[], connected: readonly string[]): string[] {
  const have = new Set(connected.map((id) => id.toLowerCase()));
  return [...new Set(requested.map((id) => id.toLowerCase()))].filter((id) => !have.has(id));
}
