import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The append-only event log (partitioned by received_at). Written with raw multi-row SQL on the hot path. */
@Entity({ name: 'events' })
export class EventEntity {
  @PrimaryColumn({ type: 'bigint' })
  id!: string;

  @PrimaryColumn({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;

  @Column({ name: 'source_id', type: 'uuid' })
  sourceId!: string;

  @Column({ name: 'message_id', type: 'text' })
  messageId!: string;

  @Column({ type: 'text' })
  type!: string;

  @Column({ name: 'event_name', type: 'text', nullable: true })
  eventName!: string | null;

  @Column({ name: 'user_id', type: 'text', nullable: true })
  userId!: string | null;

  @Column({ name: 'anonymous_id', type: 'text', nullable: true })
  anonymousId!: string | null;

  @Column({ name: 'timestamp', type: 'timestamptz' })
  timestamp!: Date;

  /** The normalised event, as destinations see it. */
  @Column({ type: 'json' })
  payload!: Record<string, unknown>;

  /** The message exactly as received. */
  @Column({ type: 'json' })
  raw!: Record<string, unknown>;
}
