import { TriggerSyntaxError } from './errors';

/** Token kinds of the FQL subset (mapping-and-triggers.md §5). */
export type TokenType =
  | 'ident'
  | 'operator'
  | 'conditional'
  | 'null'
  | 'number'
  | 'string'
  | 'dot'
  | 'brackleft'
  | 'brackright'
  | 'comma'
  | 'parenleft'
  | 'parenright'
  | 'eos';

export interface Token {
  type: TokenType;
  /** Raw value; strings keep their quotes. */
  value: string;
  /** Offset in the source (for messages). */
  pos: number;
}

const MAX_LENGTH = 100000;

function isAlpha(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}
function isWhitespace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n';
}
/** End of input counts as a terminator (`c === ''`). */
function isTerminator(c: string): boolean {
  return c === '' || isWhitespace(c) || c === ',' || c === ']' || c === ')';
}
function isIdentChar(c: string): boolean {
  return isAlpha(c) || isDigit(c) || c === '_' || c === '-' || c === '\\';
}

function describe(c: string): string {
  return c === '' ? 'end of input' : JSON.stringify(c);
}

/** Converts FQL source into tokens, ending with an `eos` token. Throws TriggerSyntaxError. */
export function lex(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const peek = (k = 0): string => (i + k < src.length ? src[i + k] : '');
  const fail = (msg: string): never => {
    throw new TriggerSyntaxError(`${msg} (at position ${i})`);
  };
  /** Accepts `word` only when followed by a terminator. */
  const accept = (word: string): boolean => {
    if (src.startsWith(word, i) && isTerminator(i + word.length < src.length ? src[i + word.length] : '')) {
      i += word.length;
      return true;
    }
    return false;
  };

  const lexIdent = (start: number, first: string): Token => {
    let str = first;
    while (isIdentChar(peek())) {
      let c = src[i++];
      if (c === '\\') {
        if (i >= src.length) fail('expected a character after the escape character "\\", got end of input');
        c = src[i++];
      }
      str += c;
      if (str.length >= MAX_LENGTH) fail('identifier is too long');
    }
    const next = peek();
    if (!(isTerminator(next) || next === '.' || next === '(' || next === '=' || next === '!')) {
      fail(`unexpected character ${describe(next)} after identifier "${str}"; separate operators with spaces`);
    }
    return { type: 'ident', value: str, pos: start };
  };

  while (i < src.length) {
    const start = i;
    const c = src[i++];
    if (isWhitespace(c)) continue;

    if (c === '!') {
      const n = peek();
      if (isAlpha(n) || n === '(') {
        tokens.push({ type: 'operator', value: '!', pos: start });
        continue;
      }
      if (accept('=')) {
        tokens.push({ type: 'operator', value: '!=', pos: start });
        continue;
      }
      fail(`expected "=" after "!", got ${describe(n)} ("!=" must be followed by a space)`);
    }
    if (c === '=') {
      if (peek() === '=') {
        throw new TriggerSyntaxError(`"==" is not a valid operator; use "=" (at position ${start})`);
      }
      tokens.push({ type: 'operator', value: '=', pos: start });
      continue;
    }
    if (c === '<' || c === '>') {
      tokens.push({ type: 'operator', value: accept('=') ? c + '=' : c, pos: start });
      continue;
    }
    if (isAlpha(c) || c === '_' || c === '\\') {
      if (c === 'a' && accept('nd')) {
        tokens.push({ type: 'conditional', value: 'and', pos: start });
        continue;
      }
      if (c === 'o' && accept('r')) {
        tokens.push({ type: 'conditional', value: 'or', pos: start });
        continue;
      }
      if (c === 'n' && accept('ull')) {
        tokens.push({ type: 'null', value: 'null', pos: start });
        continue;
      }
      let first = c;
      if (c === '\\') {
        if (i >= src.length) fail('expected a character after the escape character "\\", got end of input');
        first = src[i++];
      }
      tokens.push(lexIdent(start, first));
      continue;
    }
    if (isDigit(c) || c === '-' || c === '+') {
      let str = c;
      let decimal = false;
      while (isDigit(peek()) || peek() === '.') {
        const d = src[i++];
        str += d;
        if (d === '.') {
          if (isTerminator(peek())) fail('unexpected terminator after decimal point');
          if (decimal) fail('multiple decimal points in one number');
          decimal = true;
        }
        if (str.length >= MAX_LENGTH) fail('number is too long');
      }
      tokens.push({ type: 'number', value: str, pos: start });
      continue;
    }
    if (c === '"' || c === "'") {
      const close = src.indexOf(c, i);
      if (close < 0) {
        i = src.length;
        fail(`unterminated string starting at position ${start}`);
      }
      const body = src.slice(i, close);
      if (body.length >= MAX_LENGTH) fail('string is too long');
      i = close;
      // The closing quote is consumed only when a terminator follows; otherwise it opens a new string.
      if (isTerminator(close + 1 < src.length ? src[close + 1] : '')) i = close + 1;
      tokens.push({ type: 'string', value: c + body + c, pos: start });
      continue;
    }
    if (c === '.') {
      tokens.push({ type: 'dot', value: '.', pos: start });
      continue;
    }
    if (c === '[') {
      tokens.push({ type: 'brackleft', value: '[', pos: start });
      continue;
    }
    if (c === ']') {
      tokens.push({ type: 'brackright', value: ']', pos: start });
      continue;
    }
    if (c === ',') {
      tokens.push({ type: 'comma', value: ',', pos: start });
      continue;
    }
    if (c === '(') {
      tokens.push({ type: 'parenleft', value: '(', pos: start });
      continue;
    }
    if (c === ')') {
      tokens.push({ type: 'parenright', value: ')', pos: start });
      continue;
    }
    i = start;
    fail(`invalid character ${describe(c)}`);
  }
  tokens.push({ type: 'eos', value: 'eos', pos: src.length });
  return tokens;
}

/** Joins `ident . ident` sequences into one dotted identifier. */
export function joinDotted(tokens: Token[]): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < tokens.length) {
    const last = out[out.length - 1];
    const cur = tokens[i];
    const next = tokens[i + 1];
    if (last && last.type === 'ident' && cur.type === 'dot' && next && next.type === 'ident') {
      out[out.length - 1] = { type: 'ident', value: `${last.value}.${next.value}`, pos: last.pos };
      i += 2;
    } else {
      out.push(cur);
      i++;
    }
  }
  return out;
}
