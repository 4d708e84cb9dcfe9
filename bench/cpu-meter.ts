/**
 * What each process of the stack spends in CPU over a step, from /proc and Redis's INFO: per event, these figures
 * hold better than rates on a shared machine.
 */
import IORedis from 'ioredis';
import { Pool as PgPool } from 'pg';
import { readFileSync } from 'fs';
import { cpus } from 'os';
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

/** A process's main thread: time on a CPU and time runnable but waiting for one (/proc/<pid>/task/<pid>/schedstat). */
export interface ThreadSchedule {
  runningSeconds: number;
  waitingSeconds: number;
}

/** The main thread's schedule so far; null where the kernel does not keep schedstat. */
export function mainThreadSchedule(pid: number | undefined): ThreadSchedule | null {
  try {
    const [running, waiting] = readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').trim().split(' ').map(Number);
    return { runningSeconds: running / 1e9, waitingSeconds: waiting / 1e9 };
  } catch {
    return null;
  }
}

/** Busy and total CPU time of the whole machine so far (/proc/stat's first line, in clock ticks). */
export function machineCpuTicks(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal ...: idle and iowait are the machine's unused time.
  const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - fields[3] - fields[4], total };
}

/**
 * Where a thread's time went between two samples, per second of the span: on a CPU, and runnable but queued behind
 * other processes. A thread queued much of the span while the machine had idle CPU is held by the scheduler, not by
 * its own work.
 */
export function scheduleText(
  before: ThreadSchedule | null,
  after: ThreadSchedule | null,
  machineBefore: { busy: number; total: number },
  machineAfter: { busy: number; total: number },
  seconds: number,
): string {
  const busy = (100 * (machineAfter.busy - machineBefore.busy)) / Math.max(1, machineAfter.total - machineBefore.total);
  const machine = `the machine's ${cpus().length} CPUs ${busy.toFixed(0)}% busy`;
  if (!before || !after) return machine;
  const perSecond = (s: number) => ((s * 1000) / seconds).toFixed(0);
  return `worker's main thread on a CPU ${perSecond(after.runningSeconds - before.runningSeconds)} ms/s, runnable but waiting for one ${perSecond(after.waitingSeconds - before.waitingSeconds)} ms/s; ${machine}`;
}
