import { TriggerSyntaxError } from './errors';
import { joinDotted, lex, type Token } from './lexer';

/** The event field a condition reads (mapping-and-triggers.md §6). */
export type TriggerField = 'type' | 'event' | 'name' | 'userId' | 'properties' | 'traits' | 'context';

export interface ConditionNode {
  kind: 'condition';
  field: TriggerField;
  /** For properties/traits/context: the path inside that object. */
  path?: string;
  operator: string;
  value?: string | number | boolean;
}

export interface GroupNode {
  kind: 'group';
  operator: 'and' | 'or';
  children: TriggerNode[];
}

export type TriggerNode = ConditionNode | GroupNode;

const FIELDS: Readonly<Record<string, TriggerField>> = {
  type: 'type',
  event: 'event',
  name: 'name',
  userId: 'userId',
  properties: 'properties',
  traits: 'traits',
  context: 'context',
};

const OBJECT_FIELDS = ['properties', 'traits', 'context'] as const;
const EOS: Token = { type: 'eos', value: 'eos', pos: -1 };

function fieldOf(first: string): TriggerField | undefined {
  return Object.prototype.hasOwnProperty.call(FIELDS, first) ? FIELDS[first] : undefined;
}

function tokenValue(token: Token): string | number | boolean {
  if (token.type === 'string') return token.value.replace(/^"/, '').replace(/"$/, '');
  if (token.type === 'number') return Number(token.value);
  if (token.type === 'ident' && (token.value === 'true' || token.value === 'false')) return token.value === 'true';
  return String(token.value);
}

function isFunctionToken(token: Token | undefined): boolean {
  return token !== undefined && token.type === 'ident' && (token.value === 'contains' || token.value === 'match');
}

function stripPrefix(value: string, prefix: string): string {
  return value.startsWith(prefix + '.') ? value.slice(prefix.length + 1) : value;
}

class Parser {
  private idx = 0;
  constructor(private readonly tokens: Token[]) {}

  parseProgram(): TriggerNode {
    const node = this.parseSequence(0);
    if (!node) {
      throw new TriggerSyntaxError(
        'Trigger has no valid condition (fields are type, event, name, userId, properties.*, traits.*, context.*)',
      );
    }
    return node;
  }

  private parseSequence(depth: number): TriggerNode | undefined {
    const nodes: TriggerNode[] = [];
    const connectors = new Set<string>();
    const state = { endTaken: false };
    // Reads the next token of this level; at the level's end it yields one `eos`, then nothing.
    const take = (): Token | undefined => {
      const tok = this.tokens[this.idx];
      if (!tok || tok.type === 'eos' || (depth > 0 && tok.type === 'parenright')) {
        if (state.endTaken) return undefined;
        state.endTaken = true;
        return EOS;
      }
      this.idx++;
      return tok;
    };

    for (;;) {
      if (state.endTaken) break;
      const tok = this.tokens[this.idx];
      if (!tok || tok.type === 'eos') {
        if (depth > 0) throw new TriggerSyntaxError('Missing closing parenthesis ")"');
        break;
      }
      if (depth > 0 && tok.type === 'parenright') break;
      this.idx++;

      if (tok.type === 'ident') {
        const field = fieldOf(tok.value.split('.')[0]);
        if (field) {
          const op = take();
          const val = take();
          if (!op || !val) {
            throw new TriggerSyntaxError(
              `Incomplete condition: "${tok.value}" must be followed by an operator and a value`,
            );
          }
          nodes.push(this.condition(field, tok.value, op, val));
        } else if (isFunctionToken(tok)) {
          this.parseFunction(tok.value, nodes, false);
        }
        continue;
      }
      if (tok.type === 'operator' && tok.value === '!') {
        const next = this.tokens[this.idx];
        if (isFunctionToken(next)) {
          this.idx++;
          this.parseFunction(next.value, nodes, true);
        }
        continue;
      }
      if (tok.type === 'parenleft') {
        const child = this.parseSequence(depth + 1);
        const close = this.tokens[this.idx];
        if (!close || close.type !== 'parenright') throw new TriggerSyntaxError('Missing closing parenthesis ")"');
        this.idx++;
        if (!child) throw new TriggerSyntaxError('Parentheses must contain at least one valid condition');
        nodes.push(child);
        continue;
      }
      if (tok.type === 'conditional') {
        connectors.add(tok.value);
        continue;
      }
      // Anything else (stray strings, numbers, commas, a stray ")" at the top level, …) is ignored like the reference.
    }

    if (connectors.size > 1) {
      throw new TriggerSyntaxError(
        'Ambiguous trigger: "and" and "or" are mixed at the same level; add parentheses, e.g. (A and B) or C',
      );
    }
    if (nodes.length === 0) return undefined;
    if (nodes.length === 1) return nodes[0];
    return { kind: 'group', operator: connectors.has('or') ? 'or' : 'and', children: nodes };
  }

  private condition(field: TriggerField, ident: string, opTok: Token, valTok: Token): ConditionNode {
    const op = opTok.value;
    const isTrue = op === '=' && valTok.value === 'true';
    const isFalse = op === '=' && valTok.value === 'false';
    const isExists = op === '!=' && valTok.value === 'null';
    const isNotExists = op === '=' && valTok.value === 'null';
    const text = String(tokenValue(valTok));

    switch (field) {
      case 'type':
      case 'event':
        return { kind: 'condition', field, operator: op, value: text };
      case 'name':
        if (isExists) return { kind: 'condition', field, operator: 'exists' };
        if (isNotExists) return { kind: 'condition', field, operator: 'not_exists' };
        return { kind: 'condition', field, operator: op, value: text };
      case 'userId':
        if (isExists) return { kind: 'condition', field, operator: 'exists' };
        if (isNotExists) return { kind: 'condition', field, operator: 'not_exists' };
        if (isTrue) return { kind: 'condition', field, operator: 'is_true' };
        if (isFalse) return { kind: 'condition', field, operator: 'is_false' };
        return { kind: 'condition', field, operator: op, value: text };
      default: {
        const path = stripPrefix(ident, field);
        if (isExists) return { kind: 'condition', field, path, operator: 'exists' };
        if (isNotExists) return { kind: 'condition', field, path, operator: 'not_exists' };
        if (isTrue) return { kind: 'condition', field, path, operator: 'is_true' };
        if (isFalse) return { kind: 'condition', field, path, operator: 'is_false' };
        if (valTok.type === 'number' && op === '=') {
          return { kind: 'condition', field, path, operator: 'number_equals', value: Number(valTok.value) };
        }
        if (valTok.type === 'number' && op === '!=') {
          return { kind: 'condition', field, path, operator: 'number_not_equals', value: Number(valTok.value) };
        }
        return { kind: 'condition', field, path, operator: op, value: tokenValue(valTok) };
      }
    }
  }

  /** contains(field, "x") / match(field, "x*") — arguments are read positionally like the reference. */
  private parseFunction(name: string, nodes: TriggerNode[], negate: boolean): void {
    const raw = (): Token | undefined => this.tokens[this.idx++];
    raw(); // "("
    const nameTok = raw();
    if (!nameTok) throw new TriggerSyntaxError(`${name}() is missing a 1st argument`);
    raw(); // ","
    const valueTok = raw();
    if (!valueTok) throw new TriggerSyntaxError(`${name}() is missing a 2nd argument`);
    raw(); // ")"
    if (this.idx > this.tokens.length) this.idx = this.tokens.length;

    let operator: string;
    let value: string;
    if (name === 'contains') {
      operator = negate ? 'not_contains' : 'contains';
      value = String(tokenValue(valueTok));
    } else if (valueTok.value.endsWith('*"')) {
      operator = negate ? 'not_starts_with' : 'starts_with';
      value = String(tokenValue(valueTok)).slice(0, -1);
    } else {
      operator = negate ? 'not_ends_with' : 'ends_with';
      value = String(tokenValue(valueTok)).slice(1);
    }

    const target = nameTok.value;
    if (target === 'event' || target === 'name' || target === 'userId') {
      nodes.push({ kind: 'condition', field: target, operator, value });
      return;
    }
    for (const f of OBJECT_FIELDS) {
      if (target.startsWith(f)) {
        nodes.push({ kind: 'condition', field: f, path: stripPrefix(target, f), operator, value });
      }
    }
  }
}

/** Parses FQL into a condition tree. Throws TriggerSyntaxError. */
export function parseTriggerAst(fql: string): TriggerNode {
  if (typeof fql !== 'string') throw new TriggerSyntaxError('Trigger must be a string');
  return new Parser(joinDotted(lex(fql))).parseProgram();
}
