import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity({ name: 'sources' })
export class SourceEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  /** sha256 of the write key; the key itself is shown once, at creation, and never stored. */
  @Column({ name: 'write_key_hash', type: 'text', unique: true })
  writeKeyHash!: string;

  /** The first characters of the write key, so operators can tell keys apart. */
  @Column({ name: 'write_key_hint', type: 'text' })
  writeKeyHint!: string;

  /** sha256 of the key a rotation replaced, accepted until previousWriteKeyExpiresAt (the overlap window). */
  @Column({ name: 'previous_write_key_hash', type: 'text', nullable: true })
  previousWriteKeyHash!: string | null;

  @Column({ name: 'previous_write_key_hint', type: 'text', nullable: true })
  previousWriteKeyHint!: string | null;

  @Column({ name: 'previous_write_key_expires_at', type: 'timestamptz', nullable: true })
  previousWriteKeyExpiresAt!: Date | null;

  @Column({ name: 'rate_limit_requests_per_second', type: 'integer', nullable: true })
  rateLimitRequestsPerSecond!: number | null;

  @Column({ name: 'rate_limit_events_per_second', type: 'integer', nullable: true })
  rateLimitEventsPerSecond!: number | null;

  /** Retention override in days (null: the global setting); migration 1764700000000. */
  @Column({ name: 'event_retention_days', type: 'integer', nullable: true })
  eventRetentionDays!: number | null;

  @Column({ name: 'audit_retention_days', type: 'integer', nullable: true })
  auditRetentionDays!: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** Set when deleted through the admin API: kept (with its audit rows) but inactive and hidden. */
  @Column({ name: 'archived_at', type: 'timestamptz', nullable: true })
  archivedAt!: Date | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
