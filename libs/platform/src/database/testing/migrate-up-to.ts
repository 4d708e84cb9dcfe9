import { DataSource } from 'typeorm';
import { MIGRATIONS, dataSourceOptions } from '../data-source';

/** Runs the first `upTo` migrations on `url` (an upgrade test fills the schema before the migration under test). */
export async function migrateUpTo(url: string, upTo: number): Promise<void> {
  const ds = new DataSource({ ...dataSourceOptions(url, 2), migrations: MIGRATIONS.slice(0, upTo) } as never);
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
  } finally {
    await ds.destroy();
  }
}

/** Undoes the last migration applied to `url` (a migration test's down path). */
export async function undoLastMigration(url: string): Promise<void> {
  const ds = new DataSource(dataSourceOptions(url, 2));
  await ds.initialize();
  try {
    await ds.undoLastMigration({ transaction: 'each' });
  } finally {
    await ds.destroy();
  }
}
