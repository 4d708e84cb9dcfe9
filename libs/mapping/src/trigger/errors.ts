/** A trigger (FQL) that cannot be parsed. */
export class TriggerSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TriggerSyntaxError';
  }
}
