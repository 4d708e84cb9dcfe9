import type { Pool } from 'pg';
import { SecretBox, apiKeyBinding } from './secret-box';

export interface RotationReport {
  total: number;
  resealed: number;
  /** Rows whose value opens with none of the given keys (ids only; nothing of the value). */
  unreadable: string[];
}

/**
 * Re-seals every destination API key not yet sealed under the current key (legacy `v1` values and values of a
 * previous key). Row by row, each write conditional on the value it read, so a key changed meanwhile through the
 * admin API is left alone; the apps keep running (they open both keys while SECRETS_KEY_PREVIOUS is set).
 */
export async function rotateSecrets(pool: Pool, box: SecretBox): Promise<RotationReport> {
  const { rows } = await pool.query<{ id: string; sealed: string }>(
    'SELECT id::text, api_key_encrypted AS sealed FROM destinations ORDER BY id',
  );
  const report: RotationReport = { total: rows.length, resealed: 0, unreadable: [] };
  for (const row of rows) {
    if (box.isCurrent(row.sealed)) continue;
    let plaintext: string;
    try {
      plaintext = box.open(row.sealed, apiKeyBinding(row.id));
    } catch {
      report.unreadable.push(row.id);
      continue;
    }
    const updated = await pool.query(
      'UPDATE destinations SET api_key_encrypted = $2 WHERE id = $1 AND api_key_encrypted = $3',
      [row.id, box.seal(plaintext, apiKeyBinding(row.id)), row.sealed],
    );
    report.resealed += updated.rowCount ?? 0;
  }
  return report;
}
