import { mayHoldUnstorableEscape, storableText, storableTextOrNull } from './storable-text';

describe('storableText', () => {
  it.each([
    ['plain ASCII', 'user-42', 'user-42'],
    ['empty', '', ''],
    ['astral character (a valid pair)', 'a\ud83d\ude00b', 'a\ud83d\ude00b'],
    ['BOM and noncharacters', '\ufeff\ufffe\uffff', '\ufeff\ufffe\uffff'],
    ['NUL', 'a\u0000b', 'a\\u0000b'],
    ['only NUL', '\u0000', '\\u0000'],
    ['lone high surrogate', 'a\ud800b', 'a\\ud800b'],
    ['lone low surrogate', 'a\udc00b', 'a\\udc00b'],
    ['high surrogate at the end', 'a\udbff', 'a\\udbff'],
    ['low surrogate at the start', '\udfffa', '\\udfffa'],
    ['reversed pair', '\ude00\ud83d', '\\ude00\\ud83d'],
    ['high, then a valid pair', '\ud800\ud83d\ude00', '\\ud800\ud83d\ude00'],
    ['valid pair, then a low', '\ud83d\ude00\ude00', '\ud83d\ude00\\ude00'],
    ['NUL between pairs', '\ud83d\ude00\u0000\ud83d\ude00', '\ud83d\ude00\\u0000\ud83d\ude00'],
  ])('%s', (_name, input, expected) => {
    expect(storableText(input)).toBe(expected);
    // What it returns is always well-formed UTF-16 without NUL.
    expect(storableText(input).includes('\u0000')).toBe(false);
    expect(Buffer.from(storableText(input), 'utf8').toString('utf8')).toBe(storableText(input));
  });

  it('keeps null', () => {
    expect(storableTextOrNull(null)).toBeNull();
    expect(storableTextOrNull('a\u0000')).toBe('a\\u0000');
  });
});

describe('mayHoldUnstorableEscape', () => {
  it.each([
    [{ a: 'plain' }, false],
    [{ a: '\ud83d\ude00 \ufeff \uffff' }, false],
    [{ a: '\u0001\u001f' }, false],
    [{ a: 'x\u0000' }, true],
    [{ 'k\u0000': 1 }, true],
    [{ a: '\ud800' }, true],
    [{ a: '\udfff' }, true],
    [{ a: ['\udc00'] }, true],
    // A literal backslash before "u0000": a false positive, which only costs the slower path.
    [{ a: '\\u0000' }, true],
  ])('%j → %s', (value, expected) => {
    expect(mayHoldUnstorableEscape(JSON.stringify(value))).toBe(expected);
  });
});
