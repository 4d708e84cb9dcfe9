import { ModulesContainer } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { getMetadataStorage } from 'class-validator';
import { CALL_TYPES } from '@fsd/segment-spec';
import { describeDto } from './dto-schemas';
import { BATCH_PATHS } from '../ingest/tracking/tracking.routes';
import { SEGMENT_SCHEMAS, TRACKING_RESPONSES } from './segment-schemas';

export const DOCS_PATH = 'docs';

type Operation = Record<string, unknown> & { tags?: string[]; responses?: Record<string, unknown> };
type PathItem = Record<string, Operation>;

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'];

/** Every DTO that a controller method takes and that class-validator knows, documented from its decorators. */
function describeControllerDtos(app: NestFastifyApplication): void {
  const storage = getMetadataStorage();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const proto = (wrapper.metatype as { prototype?: object } | null)?.prototype;
      if (!proto) continue;
      for (const method of Object.getOwnPropertyNames(proto)) {
        const types = (Reflect.getMetadata('design:paramtypes', proto, method) ?? []) as unknown[];
        for (const t of types) {
          if (typeof t !== 'function') continue;
          if (storage.getTargetValidationMetadatas(t, '', true, false).length > 0) describeDto(t as never);
        }
      }
    }
  }
}

function operations(item: PathItem): Operation[] {
  return METHODS.filter((m) => item[m]).map((m) => item[m]);
}

/**
 * The tracking API, written out per call type as Segment documents it. Its routes are registered on
 * Fastify directly (TrackingRoutes), so Nest's scan does not see them.
 */
function trackingPaths(): Record<string, PathItem> {
  const paths: Record<string, PathItem> = {};
  for (const type of CALL_TYPES) {
    paths[`/v1/${type}`] = {
      post: {
        operationId: `tracking_${type}`,
        summary: `Segment ${type} call`,
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: `#/components/schemas/Segment${cap(type)}` } } },
        },
      },
    };
  }
  for (const path of BATCH_PATHS) {
    paths[path] = {
      post: {
        operationId: path === '/v1/batch' ? 'tracking_batch' : 'tracking_import',
        summary: path === '/v1/batch' ? 'Segment batch (up to 2500 messages, 500 KB)' : 'Alias of /v1/batch',
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/SegmentBatch' } } },
        },
      },
    };
  }
  return paths;
}

/** Tags and security by area, and the tracking API. */
function refine(doc: OpenAPIObject): OpenAPIObject {
  const paths: Record<string, PathItem> = { ...trackingPaths(), ...(doc.paths as Record<string, PathItem>) };
  for (const [path, item] of Object.entries(paths)) {
    for (const op of operations(item)) {
      if (path.startsWith('/v1/')) {
        op.tags = ['tracking'];
        op.security = [{ writeKey: [] }];
        op.responses = { ...TRACKING_RESPONSES(path.endsWith('batch') || path.endsWith('import')) };
      } else if (path.startsWith('/admin/')) {
        op.tags = op.tags?.length ? op.tags : [`admin: ${path.split('/')[2]}`];
        op.security = [{ admin: [] }];
        op.responses = {
          ...op.responses,
          401: { description: 'Missing, wrong, revoked or expired token (`Authorization: Bearer <token>`)' },
        };
        // The role rule (RequirePermission), where Swagger UI shows it.
        const roles = op['x-roles'] as string[] | undefined;
        if (roles) {
          const rule = `**Roles:** ${roles.join(', ')} (permission \`${String(op['x-permission'])}\`).`;
          op.description = op.description ? `${rule}\n\n${String(op.description)}` : rule;
        }
      } else if (!op.tags?.length) {
        op.tags = ['operations'];
      }
    }
  }
  doc.paths = paths as OpenAPIObject['paths'];
  doc.components = { ...doc.components, schemas: { ...doc.components?.schemas, ...SEGMENT_SCHEMAS } };
  return doc;
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function buildOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  describeControllerDtos(app);
  const config = new DocumentBuilder()
    .setTitle('FullStory Cloud Mode destination')
    .setDescription(
      'Segment-compatible HTTP Tracking API (`/v1/*`, HTTP Basic with the source write key as user name) ' +
        'and the admin API (`/admin/*`, `Authorization: Bearer <token>`: ADMIN_TOKEN or a role token from ' +
        '`POST /admin/tokens`; each operation names the roles it allows). The queue dashboard is at ' +
        '`/admin/queues`, the operations page at `/admin/ui`, Prometheus metrics at `/metrics`.',
    )
    .setVersion('1')
    .addBasicAuth(
      { type: 'http', scheme: 'basic', description: 'The source write key as user name, empty password' },
      'writeKey',
    )
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN or a role token' }, 'admin')
    .addTag('tracking', 'Segment HTTP Tracking API')
    .addTag('operations', 'Health and metrics (unauthenticated)')
    .build();
  return refine(SwaggerModule.createDocument(app, config));
}

/** Serves the OpenAPI document: UI at /docs, JSON at /docs-json. Call before `listen`. */
export function setupOpenApi(app: NestFastifyApplication): void {
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup(DOCS_PATH, app, document, {
    jsonDocumentUrl: `${DOCS_PATH}-json`,
    raw: ['json'],
    customSiteTitle: 'FullStory destination API',
  });
}
