import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type AttemptTrigger = 'auto' | 'retry' | 'replay' | 'redrive';
export type AttemptDecision = 'delivered' | 'retry_scheduled' | 'failed_permanently' | 'skipped';
export type AttemptErrorClass = 'validation' | 'http_4xx' | 'http_5xx' | 'rate_limited' | 'timeout' | 'network';

/** The audit trail: one append-only row per attempt (UPDATE is refused by a trigger). */
@Entity({ name: 'delivery_attempts' })
export class DeliveryAttemptEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'delivery_id', type: 'bigint' })
  deliveryId!: string;

  @Column({ name: 'attempt_number', type: 'integer' })
  attemptNumber!: number;

  @Column({ type: 'text' })
  trigger!: AttemptTrigger;

  @Column({ name: 'subscription_id', type: 'text', nullable: true })
  subscriptionId!: string | null;

  @Column({ type: 'text', nullable: true })
  action!: string | null;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'finished_at', type: 'timestamptz' })
  finishedAt!: Date;

  @Column({ name: 'latency_ms', type: 'integer', nullable: true })
  latencyMs!: number | null;

  @Column({ name: 'request_method', type: 'text', nullable: true })
  requestMethod!: string | null;

  @Column({ name: 'request_url', type: 'text', nullable: true })
  requestUrl!: string | null;

  @Column({ name: 'request_headers', type: 'jsonb', nullable: true })
  requestHeaders!: Record<string, string> | null;

  @Column({ name: 'request_body', type: 'json', nullable: true })
  requestBody!: unknown;

  @Column({ name: 'response_status', type: 'integer', nullable: true })
  responseStatus!: number | null;

  @Column({ name: 'response_headers', type: 'jsonb', nullable: true })
  responseHeaders!: Record<string, string> | null;

  @Column({ name: 'response_body', type: 'text', nullable: true })
  responseBody!: string | null;

  @Column({ name: 'response_truncated', type: 'boolean' })
  responseTruncated!: boolean;

  @Column({ name: 'error_class', type: 'text', nullable: true })
  errorClass!: AttemptErrorClass | null;

  @Column({ name: 'error_message', type: 'text', nullable: true })
  errorMessage!: string | null;

  @Column({ type: 'text' })
  decision!: AttemptDecision;

  @Column({ name: 'retry_at', type: 'timestamptz', nullable: true })
  retryAt!: Date | null;

  @Column({ name: 'skip_reason', type: 'text', nullable: true })
  skipReason!: string | null;
}
