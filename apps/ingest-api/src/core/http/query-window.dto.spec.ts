import { adminValidationPipe } from '../../admin/common/admin-validation.pipe';
import { AuditLogQueryDto } from '../../admin/audit-log/audit-log.dto';
import { EventsQueryDto } from '../../audit/query/audit-query.dto';
import { RejectedEventsQueryDto } from '../../audit/rejected/rejected-events.dto';

/** The shared window and paging fields, validated through the subclasses as a route's @Query() is. */
describe('query window DTOs', () => {
  const validate = (metatype: new () => object, query: Record<string, string>) =>
    adminValidationPipe.transform(query, { type: 'query', metatype }).then(
      (v) => ({ ok: true, value: v as object }),
      (e: { getResponse: () => { message: string[] } }) => ({ ok: false, value: e.getResponse().message }),
    );

  it.each<[string, new () => object, Record<string, string>, { ok: boolean; value: unknown }]>([
    [
      'events: window, limit, cursor and its own fields',
      EventsQueryDto,
      { from: '2026-03-01T00:00:00Z', to: '2026-03-02T00:00:00Z', limit: '50', cursor: 'abc', type: 'track' },
      {
        ok: true,
        value: { from: '2026-03-01T00:00:00Z', to: '2026-03-02T00:00:00Z', limit: '50', cursor: 'abc', type: 'track' },
      },
    ],
    [
      'events: a bad from',
      EventsQueryDto,
      { from: 'yesterday' },
      { ok: false, value: ['from must be a valid ISO 8601 date string'] },
    ],
    [
      'rejected events: a bad limit',
      RejectedEventsQueryDto,
      { limit: '-1' },
      { ok: false, value: ['limit must be an integer from 1 to 500'] },
    ],
    [
      'rejected events: an unknown parameter',
      RejectedEventsQueryDto,
      { page: '2' },
      { ok: false, value: ['property page should not exist'] },
    ],
    [
      'audit log: its own numeric cursor, the shared window',
      AuditLogQueryDto,
      { to: 'never', cursor: 'abc' },
      // A class's own fields are checked before those it inherits.
      { ok: false, value: ['cursor must be the previous page\'s "next"', 'to must be a valid ISO 8601 date string'] },
    ],
  ])('%s', async (_name, metatype, query, expected) => {
    const result = await validate(metatype, query);
    expect({ ok: result.ok, value: result.ok ? { ...result.value } : result.value }).toEqual(expected);
  });
});
