/** The vocabulary of deliveries and their audit rows, shared by both apps and the delivery-data library. */
export type DeliveryStatus = 'pending' | 'retrying' | 'delivered' | 'failed' | 'skipped';
export type DeliveryKind = 'event' | 'deletion';
export type AttemptTrigger = 'auto' | 'retry' | 'replay' | 'redrive';
export type AttemptDecision = 'delivered' | 'retry_scheduled' | 'failed_permanently' | 'skipped';
export type AttemptErrorClass = 'validation' | 'http_4xx' | 'http_5xx' | 'rate_limited' | 'timeout' | 'network';
