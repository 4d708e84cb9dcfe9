/**
 * What each process of the stack spends in CPU over a step, from /proc and Redis's INFO: per event, these figures
 * hold better than rates on a shared machine.
 */
import IORedis from 'ioredis';
import { Pool as PgPool } from 'pg';
import { BenchApp, processCpuSeconds } from './support';

/** CPU seconds so far of each Postgres backend serving the apps (not the bench's own pool) on the bench's database. */
export async function backendCpu(pg: PgPool): Promise<Map<number, number>> {
  const { rows } = await pg.query<{ pid: number }>(
    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name <> 'bench'",
  );
  return new Map(rows.map((r) => [r.pid, processCpuSeconds(r.pid)]));
}

/** CPU seconds so far of the Redis server (INFO cpu: every client's work, the bench's queues among them). */
export async function redisCpuSeconds(redisUrl: string): Promise<number> {
  const redis = new IORedis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const info = await redis.info('cpu');
    const field = (name: string) => Number(new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info)?.[1] ?? NaN);
    return field('used_cpu_user') + field('used_cpu_sys');
  } finally {
    redis.disconnect();
  }
}

/** CPU the backends used between two samples (a backend that started meanwhile counts from zero). */
export function cpuSince(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, cpu] of after) total += cpu - (before.get(pid) ?? 0);
  return total;
}

export interface StackApps {
  ingest: BenchApp;
  worker: BenchApp;
  fake: BenchApp;
}

interface StackCpuSample {
  apps: Record<keyof StackApps, number>;
  postgres: Map<number, number>;
  redis: number;
}

/** Milliseconds of CPU per event of each part of the stack over a step. */
export type StackCpuPerEvent = Record<keyof StackApps | 'postgres' | 'redis', number>;

export interface StackCpuMeter {
  /** CPU per event since the meter started, of each part. */
  perEvent(events: number): Promise<StackCpuPerEvent>;
}

/** Samples the stack's CPU at the start of a step; `perEvent` divides what was used since by the step's events. */
export async function startStackCpu(pg: PgPool, apps: StackApps, redisUrl: string): Promise<StackCpuMeter> {
  const sample = async (): Promise<StackCpuSample> => ({
    apps: { ingest: apps.ingest.cpuSeconds(), worker: apps.worker.cpuSeconds(), fake: apps.fake.cpuSeconds() },
    postgres: await backendCpu(pg),
    redis: await redisCpuSeconds(redisUrl),
  });
  const before = await sample();
  return {
    async perEvent(events: number): Promise<StackCpuPerEvent> {
      const after = await sample();
      const ms = (seconds: number) => (seconds * 1000) / Math.max(1, events);
      return {
        ingest: ms(after.apps.ingest - before.apps.ingest),
        worker: ms(after.apps.worker - before.apps.worker),
        fake: ms(after.apps.fake - before.apps.fake),
        postgres: ms(cpuSince(before.postgres, after.postgres)),
        redis: ms(after.redis - before.redis),
      };
    },
  };
}
