import { MAX_AUDIT_BODY_BYTES, redactHeaders, truncateBody } from './attempt-recorder';

describe('audit redaction', () => {
  it('redacts the Authorization value whatever its case', () => {
    expect(redactHeaders({ Authorization: 'Basic na1.secret', 'Content-Type': 'application/json' })).toEqual({
      Authorization: 'Basic [redacted]',
      'Content-Type': 'application/json',
    });
    expect(JSON.stringify(redactHeaders({ authorization: 'Basic na1.secret' }))).not.toContain('secret');
  });

  it('truncates response bodies at 64 KB and says so', () => {
    expect(truncateBody('{}')).toEqual({ text: '{}', truncated: false });
    const big = truncateBody('x'.repeat(MAX_AUDIT_BODY_BYTES + 10));
    expect(big.truncated).toBe(true);
    expect(big.text.length).toBe(MAX_AUDIT_BODY_BYTES);
  });
});
