import { buildPreviewDestination, previewEvent, type PreviewOptions } from './preview-core';
import { compareCase, loadVectors, optionsFor, type VectorCase } from './vector-cases';

/** One compiled destination per distinct option set (the vectors share a handful). */
function destinationCache(): (c: VectorCase) => ReturnType<typeof buildPreviewDestination> {
  const cache = new Map<string, ReturnType<typeof buildPreviewDestination>>();
  return (c) => {
    const opts: PreviewOptions = optionsFor(c);
    const key = JSON.stringify(opts);
    let d = cache.get(key);
    if (!d) {
      d = buildPreviewDestination(opts);
      cache.set(key, d);
    }
    return d;
  };
}

describe.each([
  ['destination.ndjson', 3200],
  ['edge.ndjson', 2700],
])('vectors %s (same code path as the preview CLI)', (file, count) => {
  const cases = loadVectors(file);
  const destFor = destinationCache();

  it(`has all ${count.toLocaleString('en-US')} cases`, () => {
    expect(cases.length).toBe(count);
  });

  it('matches every case: actions, method, URL, headers, body with key order, errors', () => {
    const failures: string[] = [];
    let messageMismatches = 0;
    for (const c of cases) {
      const { problems, messageMismatches: n } = compareCase(previewEvent(destFor(c), c.event), c.expect);
      messageMismatches += n;
      if (problems.length > 0) failures.push(`${c.id}: ${problems.join('; ')}`);
    }
    console.log(
      `${file}: ${cases.length - failures.length}/${cases.length} pass; error messages differing in wording: ${messageMismatches}`,
    );
    expect(failures.slice(0, 20)).toEqual([]);
    expect(messageMismatches).toBe(0);
  });
});
