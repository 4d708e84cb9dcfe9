import { AppError } from './app-error';

/** The admin side's authorization failures; their HTTP status is chosen here and rendered by toErrorResponse. */
export const noToken = () =>
  new AppError(401, 'unauthorized', 'A valid admin token is required: Authorization: Bearer <token>', {
    'WWW-Authenticate': 'Bearer',
  });

export const permissionDenied = (permission: string, roles: string[]) =>
  new AppError(403, 'forbidden', `This needs the permission ${permission} (roles: ${roles.join(', ')})`);

/** A route without a role rule is refused to everyone: access is granted, never assumed. */
export const noRule = () => new AppError(403, 'no_rule', 'This route has no role rule; it is refused to every token');

export const scopeTooNarrow = (what: string) =>
  new AppError(403, 'scope_too_narrow', `A token limited to some sources or destinations cannot ${what}`);

/** Outside the token's scope: answered as if the object did not exist. */
export const outsideScope = (what: string) => new AppError(404, 'not_found', `No ${what}`);

export const scopeFilterRequired = (field: string) =>
  new AppError(
    400,
    'scope_filter_required',
    `This token is limited to several ${field.replace(/Id$/, '')}s: name one with "${field}"`,
  );

/** Adding a job or replacing its data on the queue dashboard: refused to every role, admin too. */
export const payloadOnQueue = () =>
  new AppError(
    403,
    'queue_payload_refused',
    'Adding a job or changing its data on the queue dashboard is refused to every role: it would put a payload ' +
      'on the queue and bypass the event log (the queue carries ids only; the delivery row is the truth). ' +
      'Send events to the ingest API, or replay or redrive them',
  );
