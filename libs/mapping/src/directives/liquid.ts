import { Liquid, type Template } from 'liquidjs';
import { MappingError } from '../mapping/types';

const DISABLED_TAGS = ['case', 'for', 'include', 'layout', 'render', 'tablerow'];
const DISABLED_FILTERS = [
  'array_to_sentence_string',
  'concat',
  'find',
  'find_exp',
  'find_index',
  'find_index_exp',
  'group_by',
  'group_by_exp',
  'has',
  'has_exp',
  'map',
  'newline_to_br',
  'reject',
  'reject_exp',
  'reverse',
  'sort',
  'sort_natural',
  'uniq',
  'where_exp',
  'type',
];

export const LIQUID_MAX_LENGTH = 1000;

let engine: Liquid | undefined;

function getEngine(): Liquid {
  if (engine) return engine;
  const e = new Liquid({ renderLimit: 500, parseLimit: 1000, memoryLimit: 1e8 });
  for (const tag of DISABLED_TAGS) {
    e.registerTag(tag, {
      parse() {
        throw new Error(`tag "${tag}" is disabled`);
      },
      render() {
        return '';
      },
    });
  }
  for (const filter of DISABLED_FILTERS) {
    e.registerFilter(filter, () => {
      throw new Error(`filter "${filter}" is disabled`);
    });
  }
  engine = e;
  return e;
}

function messageOf(err: unknown): string {
  if (err instanceof Error) {
    // LiquidJS wraps errors; surface the innermost message.
    const original = (err as Error & { originalError?: unknown }).originalError;
    if (original instanceof Error) return original.message;
    return err.message;
  }
  return String(err);
}

/** Compiles an @liquid template once; errors surface when it runs. */
export function compileLiquid(template: string): (data: unknown) => unknown {
  if (template === '') return () => '';
  if (template.length > LIQUID_MAX_LENGTH) {
    return () => {
      throw new MappingError('liquid template values are limited to 1000 characters');
    };
  }
  let parsed: Template[] | undefined;
  let parseError: string | undefined;
  try {
    parsed = getEngine().parse(template);
  } catch (err) {
    parseError = messageOf(err);
  }
  return (data) => {
    if (parseError !== undefined || !parsed) throw new MappingError(parseError ?? 'invalid liquid template');
    let out: unknown;
    try {
      out = getEngine().renderSync(parsed, (data ?? {}) as object);
    } catch (err) {
      throw new MappingError(messageOf(err));
    }
    return typeof out === 'string' ? out : 'error';
  };
}
