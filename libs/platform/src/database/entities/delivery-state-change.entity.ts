import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Append-only history of a delivery's status; deliveries.status is only its latest value. */
@Entity({ name: 'delivery_state_changes' })
export class DeliveryStateChangeEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'delivery_id', type: 'bigint' })
  deliveryId!: string;

  @Column({ name: 'from_status', type: 'text', nullable: true })
  fromStatus!: string | null;

  @Column({ name: 'to_status', type: 'text' })
  toStatus!: string;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ type: 'timestamptz' })
  at!: Date;
}
