import { MAX_AUDIT_BODY_BYTES, requestColumns, truncateBody } from './attempt-recorder';

describe('audit redaction', () => {
  it('records the request with its Authorization value redacted, and the Idempotency-Key', () => {
    const request = {
      method: 'POST' as const,
      url: 'https://api.fullstory.com/v2/events',
      headers: { authorization: 'Basic na1.secret', 'Content-Type': 'application/json' },
      body: { a: 1 },
    };
    expect(requestColumns(request, 'k-1')).toEqual({
      requestMethod: 'POST',
      requestUrl: 'https://api.fullstory.com/v2/events',
      requestHeaders: {
        authorization: 'Basic [redacted]',
        'Content-Type': 'application/json',
        'Idempotency-Key': 'k-1',
      },
      requestBody: { a: 1 },
    });
  });

  it('truncates response bodies at 64 KB and says so', () => {
    expect(truncateBody('{}')).toEqual({ text: '{}', truncated: false });
    const big = truncateBody('x'.repeat(MAX_AUDIT_BODY_BYTES + 10));
    expect(big.truncated).toBe(true);
    expect(big.text.length).toBe(MAX_AUDIT_BODY_BYTES);
  });
});
