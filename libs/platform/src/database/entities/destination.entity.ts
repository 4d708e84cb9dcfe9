import {
  Column,
  CreateDateColumn,
  Entity,
  JoinTable,
  ManyToMany,
  OneToMany,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { MappingEntity } from './mapping.entity';
import { SourceEntity } from './source.entity';

export interface DestinationPresets {
  trackEvent: boolean;
  identifyUser: boolean;
}

@Entity({ name: 'destinations' })
export class DestinationEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  /** Held by POST /admin/destinations/:id/pause: nothing is sent until resumed (its queue is paused too). */
  @Column({ type: 'boolean', default: false })
  paused!: boolean;

  /** AES-GCM sealed with SECRETS_KEY; never returned by any API. */
  @Column({ name: 'api_key_encrypted', type: 'text', select: false })
  apiKeyEncrypted!: string;

  @Column({ type: 'text', nullable: true })
  region!: 'us' | 'eu' | null;

  @Column({ name: 'base_url', type: 'text', nullable: true })
  baseUrl!: string | null;

  @Column({ type: 'jsonb' })
  presets!: DestinationPresets;

  /** json (not jsonb) keeps the order of keys as written. */
  @Column({ type: 'json' })
  filters!: unknown[];

  @Column({ type: 'jsonb' })
  settings!: Record<string, unknown>;

  /** Retention override in days (null: the global setting); migration 1764700000000. */
  @Column({ name: 'event_retention_days', type: 'integer', nullable: true })
  eventRetentionDays!: number | null;

  @Column({ name: 'audit_retention_days', type: 'integer', nullable: true })
  auditRetentionDays!: number | null;

  @ManyToMany(() => SourceEntity)
  @JoinTable({
    name: 'destination_sources',
    joinColumn: { name: 'destination_id', referencedColumnName: 'id' },
    inverseJoinColumn: { name: 'source_id', referencedColumnName: 'id' },
  })
  sources!: SourceEntity[];

  @OneToMany(() => MappingEntity, (m) => m.destination)
  mappings!: MappingEntity[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** Set when deleted through the admin API: kept (with its audit rows) but inactive and hidden. */
  @Column({ name: 'archived_at', type: 'timestamptz', nullable: true })
  archivedAt!: Date | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
