import * as fs from 'fs';
import * as path from 'path';
import type { PreviewLine, PreviewOptions } from './preview-core';
import type { ActionId, PreparedRequest } from '../types';
import { referenceUrl } from './reference-url';

/**
 * The shared vectors folder, next to the repository (../shared/spec/vectors): the nearest
 * `shared/spec/vectors` above this file, so it is found from the sources and from dist/ alike.
 */
function findVectorsDir(): string {
  let dir = __dirname;
  for (;;) {
    const candidate = path.join(dir, 'shared', 'spec', 'vectors');
    if (fs.existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(__dirname, '../../../..', '../shared/spec/vectors');
    dir = parent;
  }
}

export const VECTORS_DIR = findVectorsDir();

/** One line of a vectors file (see ../shared/spec/vectors/README.md). */
export interface VectorCase {
  id: string;
  presets?: boolean;
  action?: ActionId;
  mapping?: Record<string, unknown>;
  trigger?: string;
  event: Record<string, unknown>;
  expect: { actions: ActionId[]; requests: PreparedRequest[]; errors: Array<{ action: ActionId; message: string }> };
}

/** Reads a vectors file by name; `JSON.parse` keeps own `__proto__` keys, as the events arrive. */
export function loadVectors(file: string): VectorCase[] {
  const full = path.join(VECTORS_DIR, file);
  if (!fs.existsSync(full)) {
    throw new Error(
      `Test vectors not found at ${full} (expected ../shared/spec/vectors/${file} next to the repository)`,
    );
  }
  return fs
    .readFileSync(full, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as VectorCase);
}

/** The preview options a case runs with. */
export function optionsFor(c: VectorCase): PreviewOptions {
  return c.presets ? {} : { action: c.action, mapping: c.mapping, trigger: c.trigger };
}

function deepEqualJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return false;
  return ka.every((k) => deepEqualJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

export interface CaseComparison {
  /** Differences that fail the case (empty when it passes). */
  problems: string[];
  /** Error messages worded differently from the reference (same action, same count). */
  messageMismatches: number;
}

/**
 * Compares a preview line with a case's `expect`: actions, then per request method, URL, headers
 * and body (serialised, so key order counts), then the errors' actions and messages.
 */
export function compareCase(got: PreviewLine, exp: VectorCase['expect']): CaseComparison {
  const problems: string[] = [];
  let messageMismatches = 0;
  if (JSON.stringify(got.actions) !== JSON.stringify(exp.actions)) problems.push('actions');
  if (got.requests.length !== exp.requests.length) problems.push('request count');
  else {
    exp.requests.forEach((r, i) => {
      const g = got.requests[i];
      if (g.method !== r.method) problems.push(`request ${i} method`);
      if (g.url !== r.url && referenceUrl(g.url) !== r.url) problems.push(`request ${i} url ${g.url}`);
      if (JSON.stringify(g.headers) !== JSON.stringify(r.headers)) problems.push(`request ${i} headers`);
      if ('body' in r !== 'body' in g) problems.push(`request ${i} body presence`);
      const gotText = JSON.stringify(g.body);
      const expText = JSON.stringify(r.body);
      if (gotText !== expText) {
        // Re-parse what was built so both sides are plain JSON values before comparing them unordered.
        const sameValue = gotText !== undefined && deepEqualJson(JSON.parse(gotText), r.body);
        problems.push(sameValue ? `request ${i} body key order` : `request ${i} body ${gotText} != ${expText}`);
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
  return { problems, messageMismatches };
}
