import { DeliveryMetrics, responseCode } from './delivery-metrics.service';

describe('responseCode', () => {
  it.each([
    [{ errorClass: null, responseStatus: 200 }, '200'],
    [{ errorClass: 'http_4xx', responseStatus: 401 }, '401'],
    [{ errorClass: 'rate_limited', responseStatus: 429 }, '429'],
    [{ errorClass: 'timeout', responseStatus: null }, 'timeout'],
    [{ errorClass: 'network' }, 'network'],
    [{ errorClass: 'validation', responseStatus: null }, null],
    [{ errorClass: null, responseStatus: null }, null],
  ])('%j answers %s', (row, expected) => {
    expect(responseCode(row)).toBe(expected);
  });
});

describe('DeliveryMetrics.attempts', () => {
  it('counts FullStory answers by destination and code, and outcomes by action', async () => {
    const m = new DeliveryMetrics();
    m.attempts('d1', [
      { action: 'trackEventV2', errorClass: 'http_4xx', decision: 'failed', responseStatus: 401 },
      { action: 'identifyUserV2', errorClass: 'http_4xx', decision: 'failed', responseStatus: 401 },
      { action: 'trackEventV2', errorClass: 'validation', decision: 'failed', responseStatus: null },
      { action: 'trackEventV2', errorClass: 'timeout', decision: 'retry', responseStatus: null },
    ]);
    const text = await m.registry.metrics();
    expect(text).toContain('fsd_fullstory_responses_total{destination="d1",code="401"} 2');
    expect(text).toContain('fsd_fullstory_responses_total{destination="d1",code="timeout"} 1');
    expect(text).not.toContain('code="null"');
    expect(text).toContain(
      'fsd_deliveries_total{destination="d1",action="trackEventV2",outcome="failed_validation"} 1',
    );
  });
});
