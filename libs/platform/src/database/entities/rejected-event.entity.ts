import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Invalid batch items, kept with their reason so nothing is silently lost. */
@Entity({ name: 'rejected_events' })
export class RejectedEventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'source_id', type: 'uuid', nullable: true })
  sourceId!: string | null;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;

  @Column({ name: 'batch_index', type: 'integer', nullable: true })
  batchIndex!: number | null;

  @Column({ name: 'message_id', type: 'text', nullable: true })
  messageId!: string | null;

  @Column({ type: 'text' })
  code!: string;

  @Column({ type: 'text' })
  message!: string;

  @Column({ type: 'json', nullable: true })
  payload!: unknown;
}
