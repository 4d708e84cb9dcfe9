import * as fs from 'fs';
import * as path from 'path';
import { buildPreviewDestination, previewEvent, type PreviewOptions } from './preview-core';
import type { ActionId, PreparedRequest } from '../types';

const VECTORS = path.resolve(__dirname, '../../../..', '../shared/spec/vectors/destination.ndjson');

interface VectorCase {
  id: string;
  presets?: boolean;
  action?: ActionId;
  mapping?: Record<string, unknown>;
  trigger?: string;
  event: Record<string, unknown>;
  expect: { actions: ActionId[]; requests: PreparedRequest[]; errors: Array<{ action: ActionId; message: string }> };
}

function loadCases(): VectorCase[] {
  if (!fs.existsSync(VECTORS)) {
    throw new Error(
      `Test vectors not found at ${VECTORS} (expected ../shared/spec/vectors/destination.ndjson next to the repository)`,
    );
  }
  return fs
    .readFileSync(VECTORS, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as VectorCase);
}

describe('destination vectors (same code path as the preview CLI)', () => {
  const cases = loadCases();
  const cache = new Map<string, ReturnType<typeof buildPreviewDestination>>();
  const destFor = (c: VectorCase) => {
    const opts: PreviewOptions = c.presets ? {} : { action: c.action, mapping: c.mapping, trigger: c.trigger };
    const key = JSON.stringify(opts);
    let d = cache.get(key);
    if (!d) {
      d = buildPreviewDestination(opts);
      cache.set(key, d);
    }
    return d;
  };

  it('has all 3,200 cases', () => {
    expect(cases.length).toBe(3200);
  });

  it('matches every case', () => {
    const failures: string[] = [];
    let messageMismatches = 0;
    for (const c of cases) {
      const got = previewEvent(destFor(c), c.event);
      const exp = c.expect;
      const problems: string[] = [];
      if (JSON.stringify(got.actions) !== JSON.stringify(exp.actions)) problems.push('actions');
      if (got.requests.length !== exp.requests.length) problems.push('request count');
      else {
        exp.requests.forEach((r, i) => {
          const g = got.requests[i];
          if (g.method !== r.method) problems.push(`request ${i} method`);
          if (g.url !== r.url) problems.push(`request ${i} url ${g.url}`);
          if (JSON.stringify(g.headers) !== JSON.stringify(r.headers)) problems.push(`request ${i} headers`);
          if ('body' in r !== 'body' in g) problems.push(`request ${i} body presence`);
          if (JSON.stringify(g.body) !== JSON.stringify(r.body)) {
            try {
              expect(g.body).toEqual(r.body);
              problems.push(`request ${i} body key order`);
            } catch {
              problems.push(`request ${i} body ${JSON.stringify(g.body)} != ${JSON.stringify(r.body)}`);
            }
          }
        });
      }
      if (got.errors.length !== exp.errors.length) problems.push(`errors ${JSON.stringify(got.errors)}`);
      else {
        exp.errors.forEach((e, i) => {
          if (got.errors[i].action !== e.action) problems.push(`error ${i} action`);
          if (got.errors[i].message !== e.message) messageMismatches++;
        });
      }
      if (problems.length > 0) failures.push(`${c.id}: ${problems.join('; ')}`);
    }
    console.log(
      `vectors: ${cases.length - failures.length}/${cases.length} pass; error messages differing in wording: ${messageMismatches}`,
    );
    expect(failures.slice(0, 20)).toEqual([]);
    expect(messageMismatches).toBe(0);
  });
});
