import { csvField } from './csv-field';

describe('csvField', () => {
  it.each<[string, unknown, string]>([
    ['plain text', 'Order Completed', 'Order Completed'],
    ['null', null, ''],
    ['undefined', undefined, ''],
    ['a number', 42, '42'],
    ['a negative number (ours, not user text)', -1, '-1'],
    ['a comma', 'a,b', '"a,b"'],
    ['quotes', 'say "hi"', '"say ""hi"""'],
    ['a newline', 'a\nb', '"a\nb"'],
    ['= formula', '=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
    ['+ formula', '+1+2', "'+1+2"],
    ['- formula', '-2+3', "'-2+3"],
    ['@ formula', '@SUM(A1)', "'@SUM(A1)"],
    ['leading tab', '\t=1', "'\t=1"],
    ['leading carriage return', '\r=1', `"'\r=1"`],
    ['formula with a comma', '=1,2', `"'=1,2"`],
    ['= not at the start', 'a=b', 'a=b'],
    ['an empty string', '', ''],
  ])('%s', (_name, input, expected) => {
    expect(csvField(input)).toBe(expected);
  });
});
