import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { DestinationEntity } from './destination.entity';

/** A user subscription: trigger + action + field mapping (at most 50 per destination). */
@Entity({ name: 'mappings' })
export class MappingEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'destination_id', type: 'uuid' })
  destinationId!: string;

  @ManyToOne('DestinationEntity', 'mappings', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'destination_id' })
  destination!: DestinationEntity;

  @Column({ type: 'integer' })
  position!: number;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @Column({ type: 'text' })
  trigger!: string;

  @Column({ type: 'text' })
  action!: string;

  @Column({ type: 'json' })
  mapping!: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
