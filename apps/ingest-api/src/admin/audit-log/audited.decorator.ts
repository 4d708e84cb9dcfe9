import { SetMetadata } from '@nestjs/common';

export const AUDIT_SPEC = 'fsd:auditSpec';

export type ConfigTable = 'sources' | 'destinations' | 'mappings';

/** What a changing route appends to the admin audit log. */
export interface AuditSpec {
  /** e.g. `destination.update`. */
  action: string;
  targetType: string;
  /** Where the target's id is: a route parameter, a body field, or a field of the answer (a created object). */
  id?: { param?: string; body?: string; result?: string };
  /** A configuration row: its before/after diff is recorded (secrets masked). */
  snapshot?: ConfigTable;
  /** The request body (secrets masked) goes into the details. */
  recordBody?: boolean;
  /** A dry run (`dryRun: true` in the body) changes nothing: no row. */
  skipDryRun?: boolean;
}

/** Appends a row to the admin audit log when the route succeeds (AuditLogInterceptor). */
export const Audited = (spec: AuditSpec): MethodDecorator => SetMetadata(AUDIT_SPEC, spec);
