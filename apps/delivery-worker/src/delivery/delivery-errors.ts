/** Thrown so BullMQ retries the job; carries the delay chosen by the retry policy. */
export class RetryableDeliveryError extends Error {
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
    this.name = 'RetryableDeliveryError';
  }
}
