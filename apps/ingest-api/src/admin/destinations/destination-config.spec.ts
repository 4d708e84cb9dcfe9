import { buildPreviewDestination, loadVectors, optionsFor, previewEvent } from '@fsd/mapping';
import { vectorAdminDestination } from './testing/vector-admin-destination';

describe('the admin preview compiles like the preview CLI (edge vectors)', () => {
  it('every one of the 2,700 hostile cases gives the same output line', () => {
    const cases = loadVectors('edge.ndjson');
    expect(cases).toHaveLength(2700);
    const disagreements: string[] = [];
    for (const c of cases) {
      const admin = vectorAdminDestination(c);
      const got = previewEvent(admin, c.event);
      const cli = previewEvent(buildPreviewDestination(optionsFor(c)), c.event);
      if (JSON.stringify(got) !== JSON.stringify(cli)) disagreements.push(c.id);
    }
    expect(disagreements.slice(0, 20)).toEqual([]);
  });
});
