import {
  buildPreviewDestination,
  compareCase,
  loadVectors,
  optionsFor,
  previewConfig,
  previewEvent,
  type PreviewLine,
  type VectorCase,
} from '@fsd/mapping';
import { compileRow, type DestinationRowConfig } from './destination-config';

const SETTINGS = { apiKey: 'test-api-key', baseUrl: 'https://api.fullstory.com' };

/** The row the admin API stores for a preview's configuration, read back as the worker's query returns it (json). */
function storedRow(c: VectorCase): DestinationRowConfig {
  const config = previewConfig(optionsFor(c));
  const row = { presets: config.presets, filters: [], mappings: config.mappings ?? [] };
  return JSON.parse(JSON.stringify(row)) as DestinationRowConfig;
}

/** What the worker does with a delivery's event (read back from the event log's json column). */
function workerLine(row: DestinationRowConfig, c: VectorCase): PreviewLine {
  const { compiled, compileError } = compileRow(row, SETTINGS);
  if (!compiled) throw new Error(`the worker could not compile ${c.id}: ${compileError}`);
  const stored = JSON.parse(JSON.stringify(c.event)) as Record<string, unknown>;
  const result = compiled.run(stored);
  return {
    messageId: typeof stored.messageId === 'string' ? stored.messageId : null,
    actions: result.actions,
    requests: result.requests.map((r) => r.request),
    errors: result.errors.map((e) => ({ action: e.action, message: e.message })),
  };
}

describe.each([
  ['edge.ndjson', 2700],
  ['destination.ndjson', 3200],
])("the worker's compiled destination agrees with the preview on %s", (file, count) => {
  it(`sends exactly what the preview prints, and what the vectors expect, for all ${count} cases`, () => {
    const cases = loadVectors(file);
    expect(cases).toHaveLength(count);
    const disagreements: string[] = [];
    const failures: string[] = [];
    for (const c of cases) {
      const worker = workerLine(storedRow(c), c);
      const preview = previewEvent(buildPreviewDestination(optionsFor(c)), c.event);
      // Serialised, so key order and every byte on the wire count.
      if (JSON.stringify(worker) !== JSON.stringify(preview)) disagreements.push(c.id);
      const { problems, messageMismatches } = compareCase(worker, c.expect);
      if (problems.length > 0 || messageMismatches > 0) failures.push(`${c.id}: ${problems.join('; ')}`);
    }
    expect(disagreements.slice(0, 20)).toEqual([]);
    expect(failures.slice(0, 20)).toEqual([]);
  });
});

describe('compileRow', () => {
  it('reports a configuration that no longer compiles instead of throwing', () => {
    const row: DestinationRowConfig = {
      presets: {},
      filters: [],
      mappings: [
        {
          id: 'm',
          name: 'm',
          enabled: true,
          trigger: 'type = "track"',
          action: 'trackEvent',
          mapping: { userId: { '@path': 1 } },
        },
      ],
    };
    expect(compileRow(row, SETTINGS)).toEqual({
      compiled: null,
      compileError: 'mappings[0].mapping: /userId/@path should be a string or a mapping directive but it is a number.',
    });
  });
});
