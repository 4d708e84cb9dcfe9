import { attemptRow } from '@fsd/delivery-data';
import type { AttemptDecision } from '@fsd/platform';
import { ItemAttempt, sliceOutcomes } from './slice-outcomes';
import { SliceItem } from './slice-plan';

const now = new Date('2026-01-01T00:00:00Z');
const item = (deliveryId: string, subscriptionId = 's1'): SliceItem => ({
  deliveryId,
  attemptNumber: 1,
  subscriptionId,
  action: 'trackEventV2',
  request: { method: 'POST', url: 'https://api.fullstory.com/v2/events', headers: {}, body: {} },
  kind: 'events',
});
const row = (it: SliceItem, decision: AttemptDecision, errorMessage: string | null = null): ItemAttempt => ({
  item: it,
  record: {
    ...attemptRow({ attemptNumber: 1, trigger: 'replay' }, now, now, { decision, errorMessage }),
    batchJobId: 'job',
    batchIndex: 0,
  },
});

describe('sliceOutcomes', () => {
  it('delivered, failed, retried then delivered, never sent', () => {
    const a = item('1');
    const b = item('2');
    const c = item('3');
    const d = item('4');
    const out = sliceOutcomes(
      [a, b, c, d],
      [
        row(a, 'delivered'),
        row(b, 'failed_permanently', 'invalid_argument: bad'),
        row(c, 'retry_scheduled'),
        row(c, 'delivered'),
      ],
      new Map(),
    );
    expect(out.map((o) => [o.deliveryId, o.status, o.reason, o.attempts.length])).toEqual([
      ['1', 'delivered', null, 1],
      ['2', 'failed', 'invalid_argument: bad', 1],
      ['3', 'delivered', null, 2],
      ['4', 'pending', 'batch replay cancelled before sending', 0],
    ]);
  });

  it('a mapping failure of another subscription keeps the delivery from ending delivered', () => {
    const a = item('1');
    const invalid = attemptRow({ attemptNumber: 1, trigger: 'replay' }, now, now, {
      decision: 'failed_permanently',
      errorMessage: 'mapping: uid missing',
    });
    const [o] = sliceOutcomes([a], [row(a, 'delivered')], new Map([['1', [invalid]]]));
    expect(o).toMatchObject({ status: 'failed', reason: 'mapping: uid missing' });
    expect(o.attempts).toHaveLength(2);
  });
});
