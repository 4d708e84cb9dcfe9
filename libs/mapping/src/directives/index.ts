import { compilePath, splitPath, getIn, stripDollar } from '../path/path';
import { isPlainObject, realTypeOf, setOwn, type Dict } from '../util/types';
import { MappingError, type Resolver } from '../mapping/types';
import { assignCopy } from '../util/assign-copy';
import { compileTemplate } from './template';
import { compileLiquid } from './liquid';

/**
 * Directive compilers (mapping-and-triggers.md §3). Each receives the directive's raw argument and
 * a `compile` function for nested values, and returns a resolver.
 */
export type Compile = (value: unknown) => Resolver;
export type CompileMappingFn = (mapping: unknown) => (data: unknown) => unknown;
type DirectiveCompiler = (arg: unknown, compile: Compile, compileMapping: CompileMappingFn) => Resolver;

const fail =
  (message: string): Resolver =>
  () => {
    throw new MappingError(message);
  };

const dynamicPathCache = new Map<string, string[]>();
function dynamicLookup(data: unknown, path: string): unknown {
  let segs = dynamicPathCache.get(path);
  if (!segs) {
    segs = splitPath(path);
    if (dynamicPathCache.size < 10000) dynamicPathCache.set(path, segs);
  }
  return getIn(data, segs);
}

/** A resolver for an argument that must resolve to a string (@path, @template). */
function stringArg(
  name: string,
  arg: unknown,
  compile: Compile,
  fixed: (s: string) => Resolver,
  dyn: (s: string, data: unknown) => unknown,
): Resolver {
  if (typeof arg === 'string') return fixed(arg);
  const r = compile(arg);
  return (data) => {
    const s = r(data);
    if (typeof s !== 'string') throw new MappingError(`${name}: expected string, got ${realTypeOf(s)}`);
    return dyn(s, data);
  };
}

function escapeRegExp(s: string): string {
  return s.replace(/[-[\]{}()*+?.,\\^$|#\s]/g, '\\$&');
}

/** Copies of objects built here are by assignment, like the reference's: `__proto__` keys are dropped (§2). */
function excludeNull(value: unknown): unknown {
  if (value === null) return undefined;
  if (!isPlainObject(value)) return value;
  const out: Dict = {};
  for (const k of Object.keys(value)) {
    const v = value[k];
    if (v === null || k === '__proto__') continue;
    out[k] = isPlainObject(v) ? excludeNull(v) : v;
  }
  return out;
}

function flattenInto(out: Dict, value: unknown, prefix: string, sep: string, omitArrays: boolean): void {
  if (typeof value === 'object' && value !== null && !(Array.isArray(value) && omitArrays)) {
    for (const k of Object.keys(value)) {
      flattenInto(out, (value as Dict)[k], prefix === '' ? k : prefix + sep + k, sep, omitArrays);
    }
    return;
  }
  if (value !== undefined) setOwn(out, prefix, value);
}

function assignInto(target: Dict, source: unknown): void {
  if (typeof source === 'string') {
    for (let i = 0; i < source.length; i++) target[String(i)] = source[i];
    return;
  }
  if (typeof source !== 'object' || source === null) return;
  for (const k of Object.keys(source)) if (k !== '__proto__') target[k] = (source as Dict)[k];
}

const compilers: Record<string, DirectiveCompiler> = {
  '@path': (arg, compile) =>
    stringArg(
      '@path',
      arg,
      compile,
      (s) => compilePath(stripDollar(s)),
      (s, data) => dynamicLookup(data, stripDollar(s)),
    ),

  '@template': (arg, compile) =>
    stringArg(
      '@template',
      arg,
      compile,
      (s) => compileTemplate(s),
      (s, data) => compileTemplate(s)(data),
    ),

  '@literal': (arg, compile) => compile(arg),

  '@if': (arg, compile) => {
    if (!isPlainObject(arg)) return fail('@if requires an object with an "exists" key');
    if (!arg.exists && !arg.blank) return fail('@if requires an "exists" key or a "blank" key');
    const useExists = arg.exists !== undefined;
    const cond = compile(useExists ? arg.exists : arg.blank);
    const then = arg.then !== undefined ? compile(arg.then) : undefined;
    const otherwise = arg.else ? compile(arg.else) : undefined;
    return (data) => {
      const v = cond(data);
      // eslint-disable-next-line eqeqeq
      const ok = useExists ? v !== undefined && v !== null : v !== undefined && v !== null && v != '';
      if (ok) return then ? then(data) : undefined;
      return otherwise ? otherwise(data) : undefined;
    };
  },

  '@case': (arg, compile) => {
    if (!isPlainObject(arg)) return fail('@case requires an object with a "operator" key');
    if (!arg.operator) return fail('@case requires a "operator" key');
    if (!arg.value) return () => undefined;
    const value = compile(arg.value);
    const op = arg.operator;
    return (data) => {
      const v = value(data);
      if (typeof v !== 'string') return v;
      if (op === 'lower') return v.toLowerCase();
      if (op === 'upper') return v.toUpperCase();
      throw new MappingError('operator key should have a value of "lower" or "upper"');
    };
  },

  '@replace': (arg, compile) => {
    if (!isPlainObject(arg)) return fail('@replace requires an object with a "pattern" key');
    if (!arg.pattern) return fail('@replace requires a "pattern" key');
    const pattern = arg.pattern;
    const replacement = arg.replacement === undefined ? '' : arg.replacement;
    const pattern2 = arg.pattern2;
    const replacement2 = pattern2 && arg.replacement2 === undefined ? '' : arg.replacement2;
    const global = arg.global === undefined ? true : arg.global;
    const ignorecase = arg.ignorecase === undefined ? false : arg.ignorecase;
    if (!arg.value) return () => undefined;
    const value = compile(arg.value);
    const typed =
      typeof pattern === 'string' &&
      typeof replacement === 'string' &&
      typeof global === 'boolean' &&
      typeof ignorecase === 'boolean';
    let re1: RegExp | undefined;
    let re2: RegExp | undefined;
    let lengthError: string | undefined;
    if (typed) {
      const flags = (global ? 'g' : '') + (ignorecase ? 'i' : '');
      const tooLong = (p: unknown, r: unknown): string | undefined => {
        if (typeof p === 'string' && p.length > 10) return '@replace requires a "pattern" less than 10 characters';
        if (typeof r === 'string' && r.length > 10) return '@replace requires a "replacement" less than 10 characters';
        return undefined;
      };
      lengthError = tooLong(pattern, replacement);
      re1 = new RegExp(escapeRegExp(pattern), flags);
      if (typeof pattern2 === 'string' && typeof replacement2 === 'string') {
        lengthError = lengthError ?? tooLong(pattern2, replacement2);
        re2 = new RegExp(escapeRegExp(pattern2), flags);
      }
    }
    return (data) => {
      let v = value(data);
      if (typeof v === 'number' || typeof v === 'boolean') v = String(v);
      if (typeof v !== 'string' || !typed || !re1) return '';
      if (lengthError) throw new MappingError(lengthError);
      re1.lastIndex = 0;
      let out = v.replace(re1, replacement as string);
      if (re2) {
        re2.lastIndex = 0;
        out = out.replace(re2, replacement2 as string);
      }
      return out;
    };
  },

  '@arrayPath': (arg, compile) => {
    if (!Array.isArray(arg)) return fail(`@arrayPath expected array, got ${realTypeOf(arg)}`);
    const [path, shape] = arg as unknown[];
    const root: Resolver = typeof path === 'string' ? compilePath(stripDollar(path)) : compile(path);
    const hasShape = realTypeOf(shape) === 'object' && Object.keys(shape as object).length > 0;
    if (!hasShape) return root;
    const item = compile(shape);
    return (data) => {
      const r = root(data);
      const t = realTypeOf(r);
      if (t === 'array') return (r as unknown[]).map((x) => item(x));
      if (t === 'object') return [item(r)];
      return r;
    };
  },

  '@json': (arg, compile) => {
    if (!isPlainObject(arg)) return fail('@json requires an object with a "value" key');
    if (!arg.mode) return fail('@json requires a "mode" key');
    if (!arg.value) return fail('@json requires a "value" key');
    const value = compile(arg.value);
    const mode = arg.mode;
    if (mode === 'encode') {
      return (data) => {
        const v = value(data);
        return v === undefined ? undefined : JSON.stringify(v);
      };
    }
    if (mode === 'decode') {
      return (data) => {
        const v = value(data);
        if (typeof v !== 'string') return v;
        try {
          return JSON.parse(v) as unknown;
        } catch {
          return v;
        }
      };
    }
    return () => undefined;
  },

  '@merge': (arg, compile) => {
    if (!isPlainObject(arg)) return fail('@merge requires an object with an "objects" key and a "direction" key');
    if (!arg.direction) return fail('@merge requires a "direction" key');
    if (!arg.objects) return fail('@merge requires a "objects" key');
    if (!Array.isArray(arg.objects)) return fail('@merge "objects" key should be an array');
    const items = arg.objects.map((o) => compile(o));
    const left = arg.direction === 'left';
    return (data) => {
      const resolved = items.map((r) => r(data));
      if (left) resolved.reverse();
      const out: Dict = {};
      for (const r of resolved) if (r !== null && r !== undefined) assignInto(out, r);
      return out;
    };
  },

  '@flatten': (arg, compile) => {
    if (!isPlainObject(arg)) return fail('@flatten requires an object with a "value" key');
    if (!arg.separator) return fail('@flatten requires a "separator" key');
    const sep = compile(arg.separator);
    const value = compile(arg.value);
    const omitArrays = Boolean(arg.omitArrays);
    return (data) => {
      const s = sep(data);
      if (typeof s !== 'string') throw new MappingError('@flatten requires a string separator');
      const out: Dict = {};
      flattenInto(out, value(data), '', s, omitArrays);
      return out;
    };
  },

  '@transform': (arg, compile, compileMapping) => {
    if (!isPlainObject(arg)) return fail('@transform requires an object with an "apply" key and a "mapping" key');
    if (!arg.mapping) return fail('@transform requires a "mapping" key');
    if (!arg.apply) return fail('@transform requires an "apply" key');
    if (!isPlainObject(arg.apply)) return fail('@transform "apply" key should be an object');
    const apply = compileMapping(arg.apply);
    const mapping = compile(arg.mapping);
    // The reference resolves `mapping` against a copy by assignment of the applied result (§2).
    return (data) => mapping(assignCopy(apply(data)));
  },

  '@excludeWhenNull': (arg, compile) => {
    const value = compile(arg);
    return (data) => excludeNull(value(data));
  },

  '@liquid': (arg) => {
    if (typeof arg !== 'string') return fail(`@liquid: expected string, got ${realTypeOf(arg)}`);
    return compileLiquid(arg);
  },
};

/** Compiles a directive by name; an unknown name fails when it runs. */
export function compileDirective(
  name: string,
  arg: unknown,
  compile: Compile,
  compileMapping: CompileMappingFn,
): Resolver {
  const c = Object.prototype.hasOwnProperty.call(compilers, name) ? compilers[name] : undefined;
  if (!c) return fail(`${name} is not a valid directive, got undefined`);
  return c(arg, compile, compileMapping);
}
