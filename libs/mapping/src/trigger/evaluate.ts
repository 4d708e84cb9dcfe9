import { hasOwn } from '../util/types';
import type { ConditionNode, TriggerNode } from './parser';

export type EventPredicate = (event: Record<string, unknown>) => boolean;

/** Trigger path lookup: split on `.`, `[`, `]`; walk like §2 (own members only). */
function compileTriggerPath(path: string): (root: unknown) => unknown {
  const segments = path.match(/[^[.\]]+/g);
  if (!segments) return () => undefined;
  return (root) => {
    let cur: unknown = root;
    for (let i = 0; i < segments.length; i++) {
      if (!cur) return cur;
      cur = hasOwn(cur, segments[i]) ? (cur as Record<string, unknown>)[segments[i]] : undefined;
    }
    return cur;
  };
}

function own(event: Record<string, unknown>, key: string): unknown {
  return hasOwn(event, key) ? event[key] : undefined;
}

function compileActual(node: ConditionNode): (event: Record<string, unknown>) => unknown {
  const field = node.field;
  if (field === 'properties' || field === 'traits' || field === 'context') {
    const lookup = compileTriggerPath(node.path ?? '');
    return (event) => lookup(own(event, field));
  }
  return (event) => own(event, field);
}

function compileTest(operator: string, expected: string | number | boolean | undefined): (actual: unknown) => boolean {
  const text = String(expected);
  const num = Number(expected);
  switch (operator) {
    case '=':
      return (a) => a === expected;
    case '!=':
      return (a) => a !== expected;
    case '<':
      return (a) => typeof a === 'number' && a < num;
    case '<=':
      return (a) => typeof a === 'number' && a <= num;
    case '>':
      return (a) => typeof a === 'number' && a > num;
    case '>=':
      return (a) => typeof a === 'number' && a >= num;
    case 'number_equals':
      return (a) => typeof a === 'number' && a === num;
    case 'number_not_equals':
      return (a) => typeof a === 'number' && a !== num;
    case 'contains':
      return (a) => typeof a === 'string' && a.includes(text);
    case 'not_contains':
      return (a) => typeof a === 'string' && !a.includes(text);
    case 'starts_with':
      return (a) => typeof a === 'string' && a.startsWith(text);
    case 'not_starts_with':
      return (a) => typeof a === 'string' && !a.startsWith(text);
    case 'ends_with':
      return (a) => typeof a === 'string' && a.endsWith(text);
    case 'not_ends_with':
      return (a) => typeof a === 'string' && !a.endsWith(text);
    case 'exists':
      return (a) => a !== undefined && a !== null;
    case 'not_exists':
      return (a) => a === undefined || a === null;
    case 'is_true':
      return (a) => a === true;
    case 'is_false':
      return (a) => a === false;
    default:
      return () => false;
  }
}

/** Compiles a condition tree into a closure. */
export function compileNode(node: TriggerNode): EventPredicate {
  if (node.kind === 'condition') {
    const actual = compileActual(node);
    const test = compileTest(node.operator, node.value);
    return (event) => test(actual(event));
  }
  const children = node.children.map(compileNode);
  const n = children.length;
  if (node.operator === 'and') {
    return (event) => {
      for (let i = 0; i < n; i++) if (!children[i](event)) return false;
      return true;
    };
  }
  return (event) => {
    for (let i = 0; i < n; i++) if (children[i](event)) return true;
    return false;
  };
}
