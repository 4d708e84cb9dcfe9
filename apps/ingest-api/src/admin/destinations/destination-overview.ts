import { FUNNEL_STAGES, type FunnelStage } from '@fsd/delivery-data';
import { badRequest } from '../../core/errors/app-error';
import type { FunnelCountRow } from './destination-overview.repository';

const HOUR_MS = 3_600_000;
/** The longest range one overview answers (hours): a month and a day, enough for any chart. */
export const MAX_OVERVIEW_HOURS = 24 * 32;

export type StageCounts = Record<FunnelStage, number>;

export interface OverviewRange {
  from: Date;
  to: Date;
}

/**
 * The hours an overview covers: `from` rounded down and `to` rounded up to whole hours (UTC); the last day when
 * neither is given, the day before `to` or after `from` when only one is.
 */
export function overviewRange(from: string | undefined, to: string | undefined, now: Date): OverviewRange {
  const parse = (v: string, name: string) => {
    const d = new Date(v);
    if (Number.isNaN(d.getTime())) throw badRequest('invalid_request', `"${name}" must be an ISO 8601 date-time`);
    return d;
  };
  const end =
    to !== undefined
      ? parse(to, 'to')
      : from !== undefined
        ? new Date(parse(from, 'from').getTime() + 24 * HOUR_MS)
        : now;
  const start = from !== undefined ? parse(from, 'from') : new Date(end.getTime() - 24 * HOUR_MS);
  const range = {
    from: new Date(Math.floor(start.getTime() / HOUR_MS) * HOUR_MS),
    to: new Date(Math.ceil(end.getTime() / HOUR_MS) * HOUR_MS),
  };
  const hours = (range.to.getTime() - range.from.getTime()) / HOUR_MS;
  if (hours <= 0) throw badRequest('invalid_request', '"from" must be before "to"');
  if (hours > MAX_OVERVIEW_HOURS) {
    throw badRequest('invalid_request', `The range may span at most ${MAX_OVERVIEW_HOURS} hours`);
  }
  return range;
}

export const emptyStages = (): StageCounts => Object.fromEntries(FUNNEL_STAGES.map((s) => [s, 0])) as StageCounts;

/** The totals per stage and one entry per hour of the range (hours without events included, all zero). */
export function funnelSeries(range: OverviewRange, rows: FunnelCountRow[]) {
  const stages = emptyStages();
  const byHour = new Map<number, StageCounts>();
  for (let t = range.from.getTime(); t < range.to.getTime(); t += HOUR_MS) byHour.set(t, emptyStages());
  for (const r of rows) {
    if (!(r.stage in stages)) continue;
    stages[r.stage] += r.count;
    const hour = byHour.get(r.hour.getTime());
    if (hour) hour[r.stage] += r.count;
  }
  const series = [...byHour].map(([t, counts]) => ({ hour: new Date(t).toISOString(), stages: counts }));
  const total = FUNNEL_STAGES.reduce((n, s) => n + stages[s], 0);
  return { total, stages, series };
}
