import { idempotencyKeyFor, losslessUtf8 } from './idempotency';

describe('losslessUtf8', () => {
  it.each(['', 'plain', 'a\u0000b', '\u{1f600}\ufeff\uffff', 'é中'])('is plain UTF-8 for the well-formed %j', (s) => {
    expect(losslessUtf8(s).equals(Buffer.from(s, 'utf8'))).toBe(true);
  });

  it.each([
    ['\ud800', 'eda080'],
    ['a\udfffb', '61edbfbf62'],
    ['\udbff\u{1f600}', 'edafbff09f9880'],
    ['\u{1f600}\udc00', 'f09f9880edb080'],
  ])('encodes each lone surrogate of %j as its own bytes', (s, hex) => {
    expect(losslessUtf8(s).toString('hex')).toBe(hex);
  });

  it('keeps strings apart that plain UTF-8 merges into U+FFFD', () => {
    const variants = ['x\ud800', 'x\udbff', 'x\udc00', 'x\ufffd'];
    expect(new Set(variants.map((v) => Buffer.from(v, 'utf8').toString('hex'))).size).toBe(1);
    expect(new Set(variants.map((v) => losslessUtf8(v).toString('hex'))).size).toBe(4);
  });
});

describe('idempotencyKeyFor', () => {
  const v2 = { method: 'POST', url: 'https://api.fullstory.com/v2/events' };
  it('gives messageIds that differ only in a lone surrogate different keys', () => {
    expect(idempotencyKeyFor(v2, 'x\ud800', 'd', 's')).not.toBe(idempotencyKeyFor(v2, 'x\udbff', 'd', 's'));
  });
  it('is the same key for the same delivery and subscription', () => {
    expect(idempotencyKeyFor(v2, 'm', 'd', 's')).toBe(idempotencyKeyFor(v2, 'm', 'd', 's'));
    expect(idempotencyKeyFor(v2, 'm', 'd', 's')).toMatch(/^[0-9a-f]{64}$/);
  });
  // A retry after an upgrade must carry the key its first attempt carried: the derivation never changes.
  it.each([
    ['msg-1', 'dest-1', 'sub-1', 'a6c7ce58f7828c6835884751b665d96c79983cbff5a72bae30aaa1a9cd70751c'],
    ['x\ud800', 'd', 's', 'b28fd5869534d57872b7b362225bbf341891a76c2a4a42ed950f37546df9ec03'],
  ])('derives the pinned key for (%j, %j, %j)', (messageId, destinationId, subscriptionId, key) => {
    expect(idempotencyKeyFor(v2, messageId, destinationId, subscriptionId)).toBe(key);
  });
  it('takes no key for version 1 or for reads', () => {
    expect(
      idempotencyKeyFor({ method: 'POST', url: 'https://api.fullstory.com/users/v1/individual/u' }, 'm', 'd', 's'),
    ).toBeUndefined();
    expect(
      idempotencyKeyFor({ method: 'GET', url: 'https://api.fullstory.com/v2/users/u' }, 'm', 'd', 's'),
    ).toBeUndefined();
  });
});
