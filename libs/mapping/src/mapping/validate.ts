import { article, isPlainObject, realTypeOf, type Dict } from '../util/types';

/**
 * Mapping validation (mapping-and-triggers.md §4). Messages: `/<key path> <message>.`
 * All errors of an object are collected.
 */

type Stack = readonly string[];
type Check = (value: unknown, stack: Stack, errors: string[]) => void;

function push(errors: string[], stack: Stack, message: string): void {
  errors.push(`/${stack.join('/')} ${message}.`);
}

/** `directive` when an object has an @-prefixed key. */
export function typeOrDirective(value: unknown): string {
  const type = realTypeOf(value);
  if (type === 'object' && Object.keys(value as object).some((k) => k.startsWith('@'))) return 'directive';
  return type;
}

function a(type: string): string {
  return `${article(type)} ${type}`;
}

export const DIRECTIVE_NAMES = [
  '@if',
  '@case',
  '@replace',
  '@arrayPath',
  '@path',
  '@template',
  '@literal',
  '@json',
  '@merge',
  '@flatten',
  '@transform',
  '@excludeWhenNull',
  '@liquid',
] as const;

const validators: Record<string, Check> = Object.create(null) as Record<string, Check>;

function validateDirective(obj: unknown, stack: Stack, errors: string[]): void {
  if (!isPlainObject(obj)) {
    push(errors, stack, `should be a directive object but it is ${a(realTypeOf(obj))}`);
    return;
  }
  const keys = Object.keys(obj);
  const directiveKeys = keys.filter((k) => k.startsWith('@'));
  if (directiveKeys.length > 1) {
    push(errors, stack, `should only have one @-prefixed key but it has ${directiveKeys.length} keys`);
    return;
  }
  if (keys.some((k) => !k.startsWith('@') && k !== '_metadata')) {
    push(errors, stack, `should only have one @-prefixed key but it has ${keys.length} keys`);
    return;
  }
  const name = directiveKeys[0];
  const check = Object.prototype.hasOwnProperty.call(validators, name) ? validators[name] : undefined;
  if (!check) {
    push(errors, stack, `has an invalid directive: ${name}`);
    return;
  }
  check(obj[name], [...stack, name], errors);
}

const directiveOrRaw: Check = (v, stack, errors) => {
  const type = typeOrDirective(v);
  switch (type) {
    case 'directive':
      return validateDirective(v, stack, errors);
    case 'object':
    case 'array':
    case 'boolean':
    case 'string':
    case 'number':
    case 'null':
      return;
    default:
      push(errors, stack, `should be a mapping directive or a JSON value but it is ${a(type)}`);
  }
};

const directiveOrString: Check = (v, stack, errors) => {
  const type = typeOrDirective(v);
  if (type === 'directive') return validateDirective(v, stack, errors);
  if (type !== 'string') push(errors, stack, `should be a string or a mapping directive but it is ${a(type)}`);
};

const directiveOrObject: Check = (v, stack, errors) => {
  const type = typeOrDirective(v);
  if (type === 'directive') return validateDirective(v, stack, errors);
  if (type !== 'object') push(errors, stack, `should be a object or a mapping directive but it is ${a(type)}`);
};

const stringCheck: Check = (v, stack, errors) => {
  const type = typeOrDirective(v);
  if (type !== 'string') push(errors, stack, `should be a string but it is ${a(type)}`);
};

const booleanCheck: Check = (v, stack, errors) => {
  const type = typeOrDirective(v);
  if (type !== 'boolean') push(errors, stack, `should be a boolean but it is ${a(type)}`);
};

const arrayCheck: Check = (v, stack, errors) => {
  const type = realTypeOf(v);
  if (type !== 'array') push(errors, stack, `should be an array but it is ${a(type)}`);
};

function lengthCheck(min: number, max: number): Check {
  return (v, stack, errors) => {
    if (typeof v !== 'string') return;
    if (v.length < min) push(errors, stack, `should be a string of length ${min} or greater`);
    else if (v.length > max) push(errors, stack, `should be a string of length ${max} or less`);
  };
}

function allOf(...checks: Check[]): Check {
  return (v, stack, errors) => {
    for (const c of checks) {
      const before = errors.length;
      c(v, stack, errors);
      if (errors.length > before) return;
    }
  };
}

function oneOfValues(allowed: string[]): Check {
  return (v, stack, errors) => {
    if (typeof v !== 'string') return stringCheck(v, stack, errors);
    if (!allowed.includes(v.toLowerCase())) {
      push(errors, stack, `should be one of ${allowed.join(', ')} but it is ${JSON.stringify(v)}`);
    }
  };
}

/** Validates a plain object and each of its keys as a mapping. */
function validateObject(value: unknown, stack: Stack, errors: string[]): boolean {
  const type = typeOrDirective(value);
  if (type !== 'object') {
    push(errors, stack, `should be an object but it is ${a(type)}`);
    return false;
  }
  for (const k of Object.keys(value as Dict)) validateValue((value as Dict)[k], [...stack, k], errors);
  return true;
}

interface FieldSpec {
  required?: Check;
  optional?: Check;
}

function objectWithFields(fields: Record<string, FieldSpec>): Check {
  return (v, stack, errors) => {
    if (!validateObject(v, stack, errors)) return;
    const obj = v as Dict;
    for (const [prop, spec] of Object.entries(fields)) {
      const val = Object.prototype.hasOwnProperty.call(obj, prop) ? obj[prop] : undefined;
      if (spec.required) {
        if (val === undefined) push(errors, stack, `should have field ${JSON.stringify(prop)} but it doesn't`);
        else spec.required(val, [...stack, prop], errors);
      } else if (spec.optional && val !== undefined) {
        spec.optional(val, [...stack, prop], errors);
      }
    }
  };
}

validators['@if'] = objectWithFields({
  exists: { optional: directiveOrRaw },
  then: { optional: directiveOrRaw },
  else: { optional: directiveOrRaw },
});
validators['@case'] = objectWithFields({ operator: { optional: stringCheck }, value: { optional: directiveOrString } });
validators['@replace'] = objectWithFields({
  pattern: { required: allOf(stringCheck, lengthCheck(1, 10)) },
  replacement: { optional: allOf(stringCheck, lengthCheck(0, 10)) },
  value: { required: directiveOrString },
  ignorecase: { optional: booleanCheck },
  global: { optional: booleanCheck },
});
validators['@arrayPath'] = (v, stack, errors) => {
  const before = errors.length;
  arrayCheck(v, stack, errors);
  if (errors.length > before) return;
  const arr = v as unknown[];
  directiveOrString(arr[0], stack, errors);
  validateValue(arr[1], stack, errors);
};
validators['@path'] = directiveOrString;
validators['@template'] = directiveOrString;
validators['@literal'] = directiveOrRaw;
validators['@json'] = objectWithFields({
  value: { required: directiveOrRaw },
  mode: { required: oneOfValues(['encode', 'decode']) },
});
validators['@merge'] = objectWithFields({
  objects: {
    required: (v, stack, errors) => {
      const before = errors.length;
      arrayCheck(v, stack, errors);
      if (errors.length > before) return;
      (v as unknown[]).forEach((item, i) => directiveOrObject(item, [...stack, String(i)], errors));
    },
  },
  direction: { optional: oneOfValues(['left', 'right']) },
});
validators['@flatten'] = objectWithFields({
  value: { required: directiveOrRaw },
  separator: { optional: stringCheck },
});
validators['@transform'] = objectWithFields({
  apply: { required: directiveOrObject },
  mapping: { required: directiveOrObject },
});
validators['@excludeWhenNull'] = directiveOrRaw;
validators['@liquid'] = stringCheck;

/** Validates any mapping value (directive, object, array or raw). */
export function validateValue(value: unknown, stack: Stack, errors: string[]): void {
  switch (typeOrDirective(value)) {
    case 'directive':
      return validateDirective(value, stack, errors);
    case 'object':
      validateObject(value, stack, errors);
      return;
    default:
      return;
  }
}

/** Validates a complete mapping; returns [] when valid. */
export function validateMapping(mapping: unknown): string[] {
  const errors: string[] = [];
  validateValue(mapping, [], errors);
  return errors;
}
