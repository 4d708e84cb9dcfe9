import { parseTrigger, TriggerSyntaxError } from '.';
import { lex } from './lexer';

const m = (fql: string, event: Record<string, unknown>): boolean => parseTrigger(fql).matches(event);
const track = {
  type: 'track',
  event: 'Order Completed',
  userId: 'u1',
  properties: { price: 10, plan: 'pro', ok: true, no: false, n: null, nested: { a: [5] }, 'product name': 'x' },
  traits: { tier: 'gold' },
  context: { page: { url: 'https://a.b/c' } },
};

describe('trigger lexer (§5)', () => {
  it('tokenises strings, numbers, keywords and punctuation', () => {
    expect(lex('type = "track" and (x != null, 1.5)').map((t) => t.type)).toEqual([
      'ident',
      'operator',
      'string',
      'conditional',
      'parenleft',
      'ident',
      'operator',
      'null',
      'comma',
      'number',
      'parenright',
      'eos',
    ]);
  });
  it('rejects invalid characters and carriage returns', () => {
    expect(() => parseTrigger('type = "a" && event = "b"')).toThrow(TriggerSyntaxError);
    expect(() => parseTrigger('type = "a" \r')).toThrow(/invalid character/);
    expect(() => parseTrigger('type = *')).toThrow(TriggerSyntaxError);
  });
  it('requires a terminator after identifiers', () => {
    expect(() => parseTrigger('properties.price>=100')).toThrow(TriggerSyntaxError);
    expect(m('properties.price >= 10', track)).toBe(true);
    expect(m('type="track"', track)).toBe(true);
  });
  it('!= must be followed by whitespace', () => {
    expect(() => parseTrigger('userId!=null')).toThrow(TriggerSyntaxError);
    expect(m('userId != null', track)).toBe(true);
  });
  it('<=5 without a space reads as "<" with value "=" and never matches', () => {
    expect(m('properties.price <=50', track)).toBe(false);
    expect(m('properties.price <50', track)).toBe(true);
  });
  it('backslash escapes a character in identifiers', () => {
    expect(m('properties.product\\ name = "x"', track)).toBe(true);
    expect(m('properties.nested.a.\\0 = 5', track)).toBe(true);
  });
  it('single quotes are kept in the value', () => {
    expect(m("type = 'track'", track)).toBe(false);
    expect(m('type = "\'track\'"', { type: "'track'" })).toBe(true);
  });
  it('unterminated strings and bad numbers fail', () => {
    expect(() => parseTrigger('type = "track')).toThrow(/unterminated/);
    expect(() => parseTrigger('properties.x = 1.')).toThrow(/decimal/);
    expect(() => parseTrigger('properties.x = 1.2.3')).toThrow(/decimal/);
  });
});

describe('trigger operators (§7)', () => {
  it('= and != are strict string comparisons', () => {
    expect(m('type = "track"', track)).toBe(true);
    expect(m('type = "Track"', track)).toBe(false);
    expect(m('type != "identify"', track)).toBe(true);
    expect(m('event != "x"', {})).toBe(true);
    expect(m('properties.plan = pro', track)).toBe(true);
    expect(m('properties.price = "10"', track)).toBe(false);
  });
  it('null on type/event is text, on other fields exists/not_exists', () => {
    expect(m('type = null', { type: 'null' })).toBe(true);
    expect(m('type = null', {})).toBe(false);
    expect(m('event != null', { event: 'null' })).toBe(false);
    expect(m('name = null', {})).toBe(true);
    expect(m('name != null', { name: 'Home' })).toBe(true);
    expect(m('userId = null', { userId: null })).toBe(true);
    expect(m('properties.n = null', track)).toBe(true);
    expect(m('properties.missing = null', track)).toBe(true);
    expect(m('properties.plan != null', track)).toBe(true);
    expect(m('traits.tier != null', track)).toBe(true);
    expect(m('context.page.url != null', track)).toBe(true);
  });
  it('true/false', () => {
    expect(m('properties.ok = true', track)).toBe(true);
    expect(m('properties.no = false', track)).toBe(true);
    expect(m('properties.ok = false', track)).toBe(false);
    expect(m('userId = true', { userId: true })).toBe(true);
    expect(m('userId = false', { userId: 'false' })).toBe(false);
    expect(m('type = true', { type: 'true' })).toBe(true);
    expect(m('name = false', { name: 'false' })).toBe(true);
  });
  it('numbers: number_equals / number_not_equals on object fields, text elsewhere', () => {
    expect(m('properties.price = 10', track)).toBe(true);
    expect(m('properties.price = 10.0', track)).toBe(true);
    expect(m('properties.plan = 10', { properties: { plan: '10' } })).toBe(false);
    expect(m('properties.price != 11', track)).toBe(true);
    expect(m('properties.missing != 11', track)).toBe(false);
    expect(m('userId = 10', { userId: '10' })).toBe(true);
    expect(m('event = 1.50', { event: '1.5' })).toBe(true);
    expect(m('userId != 10', { userId: '10' })).toBe(false);
  });
  it('comparisons need a number', () => {
    expect(m('properties.price > 5', track)).toBe(true);
    expect(m('properties.price >= 10', track)).toBe(true);
    expect(m('properties.price < 10', track)).toBe(false);
    expect(m('properties.price <= 10', track)).toBe(true);
    expect(m('properties.plan > 1', track)).toBe(false);
    expect(m('properties.x > -1', { properties: { x: 0 } })).toBe(true);
    expect(m('properties.x < +1', { properties: { x: 0 } })).toBe(true);
  });
  it('contains / match and their negations', () => {
    expect(m('contains(event, "Order")', track)).toBe(true);
    expect(m('!contains(event, "Order")', track)).toBe(false);
    expect(m('!contains(event, "Nope")', track)).toBe(true);
    expect(m('!contains(event, "Nope")', {})).toBe(false);
    expect(m('match(event, "Order*")', track)).toBe(true);
    expect(m('match(event, "*Completed")', track)).toBe(true);
    expect(m('!match(event, "Order*")', track)).toBe(false);
    expect(m('!match(event, "*Started")', track)).toBe(true);
    expect(m('contains(properties.plan, "r")', track)).toBe(true);
    expect(m('contains(traits.tier, "ol")', track)).toBe(true);
    expect(m('match(context.page.url, "https*")', track)).toBe(true);
    expect(m('contains(userId, "u")', track)).toBe(true);
    expect(m('contains(name, "om")', { name: 'Home' })).toBe(true);
  });
  it('contains(type, …) produces no condition', () => {
    expect(() => parseTrigger('contains(type, "tr")')).toThrow(TriggerSyntaxError);
    expect(m('contains(type, "x") type = "track"', track)).toBe(true);
  });
  it('internal operator names work verbatim; unknown operators never match', () => {
    expect(m('event contains "Order"', track)).toBe(true);
    expect(m('userId exists x', track)).toBe(true);
    expect(m('event like "Order"', track)).toBe(false);
  });
  it('drops unknown fields and stray tokens', () => {
    expect(m('anonymousId = "x" type = "track"', track)).toBe(true);
    expect(() => parseTrigger('anonymousId = "x"')).toThrow(TriggerSyntaxError);
    expect(m('type.extra = "track"', track)).toBe(true);
  });
  it('missing value / eos', () => {
    expect(() => parseTrigger('type')).toThrow(TriggerSyntaxError);
    expect(m('type = ', { type: 'eos' })).toBe(true);
    expect(() => parseTrigger('')).toThrow(TriggerSyntaxError);
    expect(() => parseTrigger('typo')).toThrow(TriggerSyntaxError);
  });
  it('never returns inherited members', () => {
    expect(m('properties.constructor != null', track)).toBe(false);
    expect(m('properties.__proto__ != null', track)).toBe(false);
  });
});

describe('trigger combining (§8) and deliberate differences (§10)', () => {
  it('adjacent conditions are ANDed; connectors may lead or trail', () => {
    expect(m('type = "track" event = "Order Completed"', track)).toBe(true);
    expect(m('type = "track" event = "x"', track)).toBe(false);
    expect(m('and type = "track" and', track)).toBe(true);
    expect(m('type = "x" or type = "track"', track)).toBe(true);
  });
  it('(a) nested parentheses at any depth, with contains()/match() inside groups', () => {
    const fql = 'type = "track" and (event = "A" or (properties.price > 1 and properties.ok = true))';
    expect(m(fql, track)).toBe(true);
    expect(m(fql, { ...track, properties: { price: 0 } })).toBe(false);
    expect(m('(contains(event, "Order") and userId = "u1") or type = "identify"', track)).toBe(true);
    expect(m('((match(event, "Order*")))', track)).toBe(true);
    expect(m('type = "identify" or (contains(event, "Nope") and type = "track")', track)).toBe(false);
    expect(() => parseTrigger('(type = "track"')).toThrow(/closing parenthesis/);
    expect(() => parseTrigger('type = "track" and ()')).toThrow(TriggerSyntaxError);
  });
  it('(b) mixing and/or at one level is rejected with a clear message', () => {
    expect(() => parseTrigger('type = "identify" and event = "X" or event = "Order Completed"')).toThrow(
      /"and" and "or" are mixed.*add parentheses/,
    );
    expect(m('(type = "identify" and event = "X") or event = "Order Completed"', track)).toBe(true);
  });
  it('(c) "==" is a syntax error', () => {
    expect(() => parseTrigger('type == "track"')).toThrow('"==" is not a valid operator; use "="');
  });
  it('vector triggers', () => {
    expect(m('type = "track" and (properties.plan = "pro" or properties.count_int > 3)', track)).toBe(true);
    expect(m('contains(event, "Order") and userId != null', track)).toBe(true);
    expect(m('type = "track" and event != "Signed Up"', track)).toBe(true);
  });
});
