/** The destination configuration is invalid (bad mapping, too many mappings/filters, bad filter FQL). */
export class ConfigValidationError extends Error {
  readonly issues: string[];
  constructor(issues: string[]) {
    super(`Invalid destination configuration: ${issues.join('; ')}`);
    this.name = 'ConfigValidationError';
    this.issues = issues;
  }
}

/** The payload cannot be sent (non-retryable), e.g. a missing userId on deletion. */
export class PayloadValidationError extends Error {
  readonly code = 'PAYLOAD_VALIDATION_FAILED';
  readonly status = 400;
  constructor(message: string) {
    super(message);
    this.name = 'PayloadValidationError';
  }
}
