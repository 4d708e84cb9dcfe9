/**
 * Types of FullStory's server API (request and response bodies) as described in
 * shared/spec/fullstory-api.md. Shared by the delivery worker's client and by apps/fake-fullstory,
 * so both sides agree on one shape.
 */

/** Codes used in v2 error bodies. `conflict` is a fake-only choice for a concurrent Idempotency-Key. */
export type V2ErrorCode =
  | 'required_field'
  | 'invalid_argument'
  | 'session_page_limit_exceeded'
  | 'unauthorized'
  | 'forbidden'
  | 'resource_not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'too_many_requests'
  | 'server_error';

/** Error body of every v2 operation (both fields always present). The fake uses it for v1 too. */
export interface V2Error {
  message: string;
  code: V2ErrorCode | string;
}

/** Role reported by `GET /me`. */
export type MeRole = 'ADMIN' | 'ARCHITECT' | 'USER' | 'UNKNOWN' | 'VIEW_ONLY' | 'UMBRELLA_MANAGER';

/** `GET /me` → 200. */
export interface MeResponse {
  email: string;
  orgId: string;
  role: MeRole;
}

/** Explicit property types (`schema.properties`), keyed by dotted property path. */
export type PropertyType = 'str' | 'strs' | 'int' | 'ints' | 'real' | 'reals' | 'bool' | 'bools' | 'date' | 'dates';

export interface PropertySchema {
  properties?: Record<string, PropertyType>;
}

/** Property bag of v2 users and events (nested objects allowed). */
export type Properties = Record<string, unknown>;

/** `POST /v2/users` and `POST /v2/users/{id}` body; every field optional. */
export interface CreateUserRequest {
  uid?: string;
  display_name?: string;
  email?: string;
  properties?: Properties;
  schema?: PropertySchema;
}

/** `POST /v2/users` / `POST /v2/users/{id}` → 200. */
export interface CreateUserResponse {
  id: string;
}

/** `GET /v2/users/{id}` → 200. */
export interface GetUserResponse {
  id: string;
  uid?: string;
  display_name?: string;
  email?: string;
  is_being_deleted: boolean;
  properties?: Properties;
  schema?: PropertySchema;
  type_conflicts?: Record<string, unknown>;
  app_url?: string;
}

/** `GET /v2/users` → 200. */
export interface ListUsersResponse {
  results: GetUserResponse[];
  /** 64-bit counter, sent as a string. */
  total_records: string;
  next_page_token?: string;
  app_url?: string;
}

/** `DELETE /v2/users?uid=` and `DELETE /v2/users/{id}` → 200 `{}`. */
export type DeleteUserResponse = Record<string, never>;

export interface EventUser {
  uid?: string;
  id?: string;
}

export interface EventSession {
  /** `<deviceId>:<sessionId>`. */
  id?: string;
  use_most_recent?: boolean;
  uid?: string;
}

export interface EventContext {
  browser?: { url?: string; user_agent?: string; initial_referrer?: string };
  mobile?: { app_id?: string; app_version?: string; app_name?: string; build_variant?: string };
  device?: {
    manufacturer?: string;
    model?: string;
    screen_width?: number;
    screen_height?: number;
    viewport_width?: number;
    viewport_height?: number;
  };
  location?: {
    country?: string;
    region?: string;
    city?: string;
    latitude?: number;
    longitude?: number;
    ip_address?: string;
  };
}

/** `POST /v2/events` body. */
export interface CreateEventRequest {
  name: string;
  timestamp?: string;
  properties?: Properties;
  schema?: PropertySchema;
  user?: EventUser;
  session?: EventSession;
  context?: EventContext;
}

/** `POST /v2/events` → 200 `{}`. */
export type CreateEventResponse = Record<string, never>;

/** `POST /users/v1/individual/{uid}/customvars` body: flat map of suffixed names (plus `uid`, `displayName`, `email`). */
export type V1CustomVarsRequest = Record<string, unknown>;

/** `POST /users/v1/individual/{uid}/customevent` body. */
export interface V1CustomEventRequest {
  event: {
    event_name: string;
    event_data?: Record<string, unknown>;
    timestamp?: string;
    session_url?: string;
    use_recent_session?: boolean;
    device_session?: string;
  };
}

export type OperationType =
  'DELETE_USER' | 'SEARCH_EXPORT' | 'DELETE_SESSION' | 'DELETE_SEGMENT_SESSIONS' | 'DELETE_SEGMENT_USERS';
export type OperationState = 'PENDING' | 'COMPLETED' | 'FAILED';

/** `GET /operations/v1/{id}` → 200. */
export interface Operation {
  id: string;
  type: OperationType;
  details: Record<string, unknown>;
  results: Record<string, unknown>;
  state: OperationState;
  errorDetails: string;
  createdAt: string;
  finishedAt: string;
  estimatePctComplete: number;
  step: string;
}

/** `GET /operations/v1` → 200. */
export interface ListOperationsResponse {
  operations: Operation[];
  nextPaginationToken: string;
}

/** `GET /users/v1/individual/{uid}` → 200. */
export interface V1GetUserResponse {
  uid: string;
  displayName: string;
  email: string;
  numSessions: string;
  firstSeen: string;
  lastSeen: string;
  custom_vars?: Record<string, unknown>;
  existing_operation?: Operation;
}

/** `DELETE /users/v1/individual/{uid}` → 200. */
export interface V1DeleteUserResponse {
  id: string;
}

export type JobStatus = 'PROCESSING' | 'COMPLETED' | 'FAILED';

export interface JobMetadata {
  id: string;
  status: JobStatus;
  created: string;
  finished?: string;
}

/** `POST /v2/users/batch` body. */
export interface CreateBatchUsersRequest {
  requests: CreateUserRequest[];
}

/** `POST /v2/events/batch` body. */
export interface CreateBatchEventsRequest {
  requests: CreateEventRequest[];
  shared?: { context?: EventContext };
}

/** `POST /v2/users/batch`, `POST /v2/events/batch` → 200. */
export interface BatchJobResponse {
  job: JobMetadata;
}

/** `GET /v2/{users|events}/batch/{job_id}` → 200. */
export interface BatchJobStatusResponse {
  job: JobMetadata;
  imports: number;
  errors: number;
}

export interface BatchUserImport extends GetUserResponse {
  type_conflicts?: Record<string, unknown>;
}

export interface BatchEventImport {
  user?: EventUser;
  session?: { id?: string };
  context?: EventContext;
  name: string;
  timestamp?: string;
  properties?: Properties;
  schema?: PropertySchema;
}

/** `GET /v2/{users|events}/batch/{job_id}/imports` → 200 (202 while processing). */
export interface BatchImportsResponse<T> {
  results: T[];
  total_records: string;
  next_page_token?: string;
}

export interface BatchUserError {
  message: string;
  code: string;
  user: CreateUserRequest;
}

export interface BatchEventError {
  message: string;
  code: string;
  event: CreateEventRequest;
  shared?: { context?: EventContext };
}

/** `GET /v2/{users|events}/batch/{job_id}/errors` → 200 (202 while processing). */
export interface BatchErrorsResponse<T> {
  results: T[];
  total_records: string;
  next_page_token?: string;
}

/** Documented FullStory limits, used by the fake's validation. */
export const FULLSTORY_LIMITS = {
  uidMaxLength: 256,
  displayNameMaxLength: 256,
  emailMaxLength: 128,
  maxProperties: 500,
  propertyNameMaxLength: 511,
  propertyValueMaxBytes: 8192,
  v1EventNameMaxLength: 250,
  v1VarNameMaxLength: 512,
  batchMaxRequests: 50000,
  batchMaxInProgressJobs: 200,
  batchMaxRunningJobs: 100,
  batchMaxOperationsInFlight: 500_000,
} as const;
