import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type DeliveryStatus = 'pending' | 'retrying' | 'delivered' | 'failed' | 'skipped';
export type DeliveryKind = 'event' | 'deletion';

/** One per event × destination (or per deletion request × destination). The status is a projection of delivery_state_changes. */
@Entity({ name: 'deliveries' })
export class DeliveryEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'event_id', type: 'bigint', nullable: true })
  eventId!: string | null;

  @Column({ name: 'event_received_at', type: 'timestamptz', nullable: true })
  eventReceivedAt!: Date | null;

  @Column({ name: 'destination_id', type: 'uuid' })
  destinationId!: string;

  @Column({ type: 'text' })
  kind!: DeliveryKind;

  @Column({ type: 'text' })
  status!: DeliveryStatus;

  @Column({ type: 'integer' })
  attempts!: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ name: 'deletion_user_id', type: 'text', nullable: true })
  deletionUserId!: string | null;

  /** The POST /admin/deletions request this FullStory deletion belongs to. */
  @Column({ name: 'deletion_id', type: 'bigint', nullable: true })
  deletionId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt!: Date | null;
}
