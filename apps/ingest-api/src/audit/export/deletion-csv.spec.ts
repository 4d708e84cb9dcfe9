import { DELETION_CSV_COLUMNS, deletionCsvLines, deletionCsvRows } from './deletion-csv';

const record = (deliveries: { id: string; destinationId: string; status: string }[]) => ({
  id: '7',
  erasureStatus: 'completed',
  users: 2,
  erased: { events: 5, attempts: 3, rejectedEvents: 1 },
  createdAt: '2026-01-01T00:00:00.000Z',
  finishedAt: null,
  deliveries,
});

describe('deletion CSV', () => {
  it.each<[string, Parameters<typeof deletionCsvRows>[0], string]>([
    ['no destination: one row without a delivery', record([]), '7,completed,2,5,3,1,2026-01-01T00:00:00.000Z,,,,\n'],
    [
      'one row per FullStory deletion',
      record([
        { id: '11', destinationId: 'd-1', status: 'delivered' },
        { id: '12', destinationId: 'd-2', status: 'failed' },
      ]),
      '7,completed,2,5,3,1,2026-01-01T00:00:00.000Z,,d-1,11,delivered\n' +
        '7,completed,2,5,3,1,2026-01-01T00:00:00.000Z,,d-2,12,failed\n',
    ],
    [
      'text a spreadsheet would evaluate is neutralised',
      record([{ id: '13', destinationId: '=cmd()', status: '@x' }]),
      "7,completed,2,5,3,1,2026-01-01T00:00:00.000Z,,'=cmd(),13,'@x\n",
    ],
  ])('%s', (_name, input, expected) => {
    expect(deletionCsvRows(input)).toBe(expected);
    expect(expected.split('\n')[0].split(',')).toHaveLength(DELETION_CSV_COLUMNS.length);
  });

  it('flattens the NDJSON pages, header first', async () => {
    async function* pages() {
      yield `${JSON.stringify({ deletion: record([]) })}\n${JSON.stringify({ deletion: { ...record([]), id: '8' } })}\n`;
    }
    const out: string[] = [];
    for await (const chunk of deletionCsvLines(pages())) out.push(chunk);
    expect(out.join('').split('\n')).toEqual([
      DELETION_CSV_COLUMNS.join(','),
      '7,completed,2,5,3,1,2026-01-01T00:00:00.000Z,,,,',
      '8,completed,2,5,3,1,2026-01-01T00:00:00.000Z,,,,',
      '',
    ]);
  });
});
