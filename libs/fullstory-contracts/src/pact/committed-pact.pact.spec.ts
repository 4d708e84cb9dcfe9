/**
 * The committed pact must be exactly the one the consumer specs of this run wrote (jest-sequencer.js runs them
 * first), so a change in the mapper, the client or the interactions cannot go unnoticed in the committed file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { COMMITTED_PACT_FILE, freshPactFile } from './contract';

describe('committed pact', () => {
  it('equals the pact the consumer run just wrote', () => {
    const fresh = freshPactFile();
    expect(existsSync(fresh)).toBe(true);
    expect(existsSync(COMMITTED_PACT_FILE)).toBe(true);
    const written = readFileSync(fresh, 'utf8');
    const committed = readFileSync(COMMITTED_PACT_FILE, 'utf8');
    if (committed !== written) {
      console.error(
        `The committed pact differs from the one this run wrote. If the change is intended:\n` +
          `  cp ${fresh} ${relative(process.cwd(), COMMITTED_PACT_FILE)}`,
      );
    }
    // Parsed first for a readable diff, then byte for byte (the file is not reformatted: .prettierignore).
    // Expected: the committed file; received: what the code produces now.
    expect(JSON.parse(written)).toEqual(JSON.parse(committed));
    expect(written).toBe(committed);
  });
});
