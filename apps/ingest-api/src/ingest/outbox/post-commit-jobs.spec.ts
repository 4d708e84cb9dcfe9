import { postCommitJobs, replayJobs } from './post-commit-jobs';

const refs = [
  { deliveryId: '1', destinationId: 'a', loggedAt: '2026-11-30T10:00:00.000Z' },
  { deliveryId: '2', destinationId: 'b', loggedAt: '2026-11-30T10:00:00.000Z' },
  { deliveryId: '3', destinationId: 'a', loggedAt: '2026-11-30T10:00:00.000Z' },
  { deliveryId: '5', destinationId: 'a' },
];

describe('postCommitJobs', () => {
  it('makes group jobs per destination queue, with the index entries naming each member’s job', () => {
    expect(postCommitJobs(refs, 2, 'fsd')).toEqual([
      {
        name: 'delivery-{a}',
        jobs: [
          [
            'g1',
            {
              group: [
                { deliveryId: '1', loggedAt: '2026-11-30T10:00:00.000Z' },
                { deliveryId: '3', loggedAt: '2026-11-30T10:00:00.000Z' },
              ],
            },
          ],
          ['g5', { group: [{ deliveryId: '5' }] }],
        ],
        index: { key: 'fsd:delivery-{a}:groups', fields: ['1', 'g1', '3', 'g1', '5', 'g5'] },
      },
      {
        name: 'delivery-{b}',
        jobs: [['g2', { group: [{ deliveryId: '2', loggedAt: '2026-11-30T10:00:00.000Z' }] }]],
        index: { key: 'fsd:delivery-{b}:groups', fields: ['2', 'g2'] },
      },
    ]);
  });

  it('makes one job per delivery, and no index, with groups of one', () => {
    expect(postCommitJobs(refs, 1, 'fsd')).toEqual([
      {
        name: 'delivery-{a}',
        jobs: [
          ['d1', { deliveryId: '1', trigger: 'auto', loggedAt: '2026-11-30T10:00:00.000Z' }],
          ['d3', { deliveryId: '3', trigger: 'auto', loggedAt: '2026-11-30T10:00:00.000Z' }],
          ['d5', { deliveryId: '5', trigger: 'auto' }],
        ],
      },
      {
        name: 'delivery-{b}',
        jobs: [['d2', { deliveryId: '2', trigger: 'auto', loggedAt: '2026-11-30T10:00:00.000Z' }]],
      },
    ]);
  });
});

describe('replayJobs', () => {
  const at = '2026-11-30T10:00:00.000Z';
  const page = ['1', '2', '3'].map((id, i) => ({
    deliveryId: id,
    destinationId: 'a',
    loggedAt: at,
    attemptsBefore: i,
  }));

  it('makes group jobs g<firstId>-r<replay>, each member with its attempt count, and their index entries', () => {
    expect(replayJobs(page, '9', 2, 'fsd')).toEqual([
      {
        name: 'delivery-{a}',
        jobs: [
          [
            'g1-r9',
            {
              group: [
                { deliveryId: '1', loggedAt: at, attemptsBefore: 0 },
                { deliveryId: '2', loggedAt: at, attemptsBefore: 1 },
              ],
              replayId: '9',
            },
          ],
          ['g3-r9', { group: [{ deliveryId: '3', loggedAt: at, attemptsBefore: 2 }], replayId: '9' }],
        ],
        index: { key: 'fsd:delivery-{a}:groups', fields: ['1', 'g1-r9', '2', 'g1-r9', '3', 'g3-r9'] },
      },
    ]);
  });

  it('makes one replay job d<id>-r<replay> per delivery, and no index, with groups of one', () => {
    const data = (id: string, attemptsBefore: number) => ({
      deliveryId: id,
      trigger: 'replay',
      replayId: '9',
      loggedAt: at,
      attemptsBefore,
    });
    expect(replayJobs(page, '9', 1, 'fsd')).toEqual([
      {
        name: 'delivery-{a}',
        jobs: [
          ['d1-r9', data('1', 0)],
          ['d2-r9', data('2', 1)],
          ['d3-r9', data('3', 2)],
        ],
      },
    ]);
  });
});
