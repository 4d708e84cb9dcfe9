/** A payload that passed schema validation but cannot be turned into a request (never retried). */
export class ActionBuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ActionBuildError';
  }
}
