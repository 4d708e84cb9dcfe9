import { redactCredentialHeaders } from './redact-headers';

describe('redactCredentialHeaders', () => {
  it.each([
    ['Authorization keeps its scheme', { Authorization: 'Basic na1.secret' }, { Authorization: 'Basic [redacted]' }],
    ['any case of the name', { authorization: 'Bearer t' }, { authorization: 'Bearer [redacted]' }],
    ['a bare credential', { Authorization: 'na1.secret' }, { Authorization: '[redacted]' }],
    ['Proxy-Authorization', { 'Proxy-Authorization': 'Basic p' }, { 'Proxy-Authorization': 'Basic [redacted]' }],
    ['X-Api-Key', { 'X-Api-Key': 'k' }, { 'X-Api-Key': '[redacted]' }],
    ['redacted already', { Authorization: 'Basic [redacted]' }, { Authorization: 'Basic [redacted]' }],
    ['other headers untouched', { 'Content-Type': 'application/json' }, { 'Content-Type': 'application/json' }],
  ])('%s', (_name, headers, expected) => {
    expect(redactCredentialHeaders(headers)).toEqual(expected);
  });
});
