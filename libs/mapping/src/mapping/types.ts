/** A compiled mapping value: resolves against the input data (the event, or an item for @arrayPath). */
export type Resolver = (data: unknown) => unknown;

/** A run-time mapping error (bad directive argument etc.). Never retried. */
export class MappingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MappingError';
  }
}
