import { AppError } from '../../core/errors/app-error';

/** A 400 naming every problem found, rendered as `details` by the shared error mapping. */
export class AdminValidationError extends AppError {
  constructor(code: string, message: string, details: string[]) {
    super(400, code, message, {}, undefined, details);
    this.name = 'AdminValidationError';
  }
}

export const invalid = (code: string, message: string, details?: string[]) =>
  new AdminValidationError(code, message, details ?? [message]);
