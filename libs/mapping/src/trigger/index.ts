import { compileNode, type EventPredicate } from './evaluate';
import { parseTriggerAst, type TriggerNode } from './parser';

export { TriggerSyntaxError } from './errors';
export type { TriggerNode, ConditionNode, GroupNode, TriggerField } from './parser';

/** A parsed and compiled trigger. */
export interface TriggerProgram {
  readonly source: string;
  readonly ast: TriggerNode;
  matches(event: Record<string, unknown>): boolean;
}

/** Parses an FQL trigger once into a reusable program. Throws TriggerSyntaxError. */
export function parseTrigger(fql: string): TriggerProgram {
  const ast = parseTriggerAst(fql);
  const predicate: EventPredicate = compileNode(ast);
  return {
    source: fql,
    ast,
    matches(event: Record<string, unknown>): boolean {
      return typeof event === 'object' && event !== null && predicate(event);
    },
  };
}
