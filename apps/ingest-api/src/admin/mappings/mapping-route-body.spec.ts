import type { FastifyRequest } from 'fastify';
import { buildPreviewDestination, loadVectors, optionsFor, previewConfig, previewEvent } from '@fsd/mapping';
import { decodeBody } from '../../core/http/json-body-parser';
import { adminValidationPipe } from '../common/admin-validation.pipe';
import { bodyFieldAsSent } from '../common/body-field-as-sent';
import { compileOrThrow, pipelineConfig } from '../destinations/destination-config';
import { CreateDestinationDto, PreviewDto, UpdateDestinationDto } from '../destinations/destination.dto';
import type { DestinationConnectionService } from '../destinations/destination-connection.service';
import { DestinationsController } from '../destinations/destinations.controller';
import type { DestinationsService } from '../destinations/destinations.service';
import { CreateMappingDto, UpdateMappingDto } from './mapping.dto';
import { MappingsController } from './mappings.controller';
import type { MappingsService } from './mappings.service';

/**
 * The routes that take mappings, as Nest runs them: the body parser, then the admin validation pipe on the body
 * (which deletes `__proto__`, `constructor` and `prototype` keys in place, at any depth), then the handler with its
 * parameters. What reaches the service must be each mapping as sent, which the engine then runs as the CLI does.
 */
const ID = '00000000-0000-4000-8000-000000000001';
const MAPPING_ID = '00000000-0000-4000-8000-000000000002';

// An output key `constructor` (top level and in properties), a `@literal` with `prototype` and `__proto__` keys,
// and a `__proto__` output key.
const HOSTILE =
  '{"name":{"@path":"$.event"},"constructor":{"@path":"$.userId"},"properties":{"constructor":{"@path":"$.properties.a"},"lit":{"@literal":{"prototype":1,"__proto__":{"x":1}}},"__proto__":{"@path":"$.properties.a"}}}';
// What the pipe alone leaves of it.
const STRIPPED = '{"name":{"@path":"$.event"},"properties":{"lit":{"@literal":{}}}}';
const ITEM = `{"name":"m","trigger":"type = \\"track\\"","action":"trackEventV2","mapping":${HOSTILE}}`;
const EVENT = '{"type":"track","event":"E","userId":"u","messageId":"m-1","properties":{"a":"A"}}';

async function throughPipe<T extends object>(
  url: string,
  body: string,
  metatype: new () => T,
): Promise<{ req: object; dto: T }> {
  const req = { routeOptions: { url }, headers: {} } as unknown as FastifyRequest;
  const parsed = decodeBody(req, Buffer.from(body, 'utf8'));
  const dto = (await adminValidationPipe.transform(parsed, { type: 'body', metatype })) as T;
  return { req, dto };
}

/** The controllers on services that record what they are handed. */
function controllers() {
  const handed: unknown[][] = [];
  const record = (...args: unknown[]) => {
    handed.push(args);
    return Promise.resolve({});
  };
  const mappings = new MappingsController({ create: record, update: record } as unknown as MappingsService);
  const destinations = new DestinationsController(
    { create: record, update: record } as unknown as DestinationsService,
    { preview: record } as unknown as DestinationConnectionService,
  );
  return { handed, mappings, destinations };
}

const json = (value: unknown): string => JSON.stringify(value);
const mappingsOf = (dto: unknown): string[] =>
  ((dto as { mappings: { mapping: unknown }[] }).mappings ?? []).map((m) => json(m.mapping));

describe('the mapping routes hand each mapping over as sent', () => {
  it('POST /admin/destinations/:id/mappings', async () => {
    const { req, dto } = await throughPipe('/admin/destinations/:id/mappings', ITEM, CreateMappingDto);
    expect(json(dto.mapping)).toBe(STRIPPED);
    const c = controllers();
    await c.mappings.create(ID, dto, bodyFieldAsSent('mapping', req));
    expect(c.handed).toHaveLength(1);
    const [id, handed] = c.handed[0];
    expect(id).toBe(ID);
    expect(json(handed)).toBe(ITEM);
  });

  it('PATCH /admin/destinations/:id/mappings/:mappingId, with and without a mapping', async () => {
    const c = controllers();
    const sent = await throughPipe(
      '/admin/destinations/:id/mappings/:mappingId',
      `{"mapping":${HOSTILE}}`,
      UpdateMappingDto,
    );
    expect(json(sent.dto.mapping)).toBe(STRIPPED);
    await c.mappings.update(ID, MAPPING_ID, sent.dto, bodyFieldAsSent('mapping', sent.req));
    const other = await throughPipe(
      '/admin/destinations/:id/mappings/:mappingId',
      '{"enabled":false}',
      UpdateMappingDto,
    );
    await c.mappings.update(ID, MAPPING_ID, other.dto, bodyFieldAsSent('mapping', other.req));
    expect(c.handed.map(([id, mappingId, dto]) => [id, mappingId, json(dto)])).toEqual([
      [ID, MAPPING_ID, `{"mapping":${HOSTILE}}`],
      [ID, MAPPING_ID, '{"enabled":false}'],
    ]);
  });

  it('POST and PATCH /admin/destinations: every one of the mappings', async () => {
    const plainItem = '{"name":"n","trigger":"type = \\"identify\\"","action":"identifyUserV2","mapping":{"uid":1}}';
    const c = controllers();
    const created = await throughPipe(
      '/admin/destinations',
      `{"name":"d","sourceIds":[],"apiKey":"k","mappings":[${ITEM},${plainItem}]}`,
      CreateDestinationDto,
    );
    expect(mappingsOf(created.dto)).toEqual([STRIPPED, '{"uid":1}']);
    await c.destinations.create(created.dto, bodyFieldAsSent('mappings', created.req));
    const updated = await throughPipe(
      '/admin/destinations/:id',
      `{"mappings":[${plainItem},${ITEM}]}`,
      UpdateDestinationDto,
    );
    await c.destinations.update(ID, updated.dto, bodyFieldAsSent('mappings', updated.req));
    const renamed = await throughPipe('/admin/destinations/:id', '{"name":"e"}', UpdateDestinationDto);
    await c.destinations.update(ID, renamed.dto, bodyFieldAsSent('mappings', renamed.req));

    expect(c.handed).toHaveLength(3);
    expect(mappingsOf(c.handed[0][0])).toEqual([HOSTILE, '{"uid":1}']);
    expect((c.handed[0][0] as CreateDestinationDto).name).toBe('d');
    expect(c.handed[1][0]).toBe(ID);
    expect(mappingsOf(c.handed[1][1])).toEqual(['{"uid":1}', HOSTILE]);
    expect(c.handed[2]).toEqual([ID, { name: 'e' }]);
  });

  it("POST /admin/destinations/:id/preview: the draft's mappings and the event", async () => {
    const c = controllers();
    const { req, dto } = await throughPipe(
      '/admin/destinations/:id/preview',
      `{"event":${EVENT},"mappings":[${ITEM}]}`,
      PreviewDto,
    );
    expect(mappingsOf(dto)).toEqual([STRIPPED]);
    await c.destinations.preview(
      ID,
      dto,
      bodyFieldAsSent('event', req) as Record<string, unknown>,
      bodyFieldAsSent('mappings', req),
    );
    expect(c.handed).toHaveLength(1);
    const [id, event, draft] = c.handed[0];
    expect(id).toBe(ID);
    expect(json(event)).toBe(EVENT);
    expect(json(draft)).toBe(`[${ITEM}]`);
  });

  it('the mapping as handed over runs as in the CLI: `constructor` and `prototype` kept, `__proto__` dropped (§2)', async () => {
    const { req, dto } = await throughPipe('/admin/destinations/:id/mappings', ITEM, CreateMappingDto);
    const c = controllers();
    await c.mappings.create(ID, dto, bodyFieldAsSent('mapping', req));
    const handed = c.handed[0][1] as CreateMappingDto;
    const admin = compileOrThrow(
      pipelineConfig(
        { presets: { trackEvent: false, identifyUser: false }, filters: [] },
        [{ ...handed, id: 'preview', enabled: true }],
        { apiKey: 'test-api-key', baseUrl: 'https://api.fullstory.com' },
      ),
    );
    const event = JSON.parse(EVENT) as Record<string, unknown>;
    const cli = previewEvent(
      buildPreviewDestination({
        action: 'trackEventV2',
        trigger: 'type = "track"',
        mapping: JSON.parse(HOSTILE) as Record<string, unknown>,
      }),
      event,
    );
    const got = previewEvent(admin, event);
    expect(json(got)).toBe(json(cli));
    expect(got.errors).toEqual([]);
    expect(json(got.requests.map((r) => r.body))).toBe(
      '[{"name":"E","properties":{"constructor":"A","lit":{"prototype":1}}}]',
    );
  });

  it('every mapping of the edge vectors reaches the service unchanged, which then prints what the CLI prints', async () => {
    const cases = loadVectors('edge.ndjson').filter((c) => !c.presets);
    expect(cases).toHaveLength(2400);
    const changed: string[] = [];
    const disagreements: string[] = [];
    const c = controllers();
    for (const v of cases) {
      const sub = previewConfig(optionsFor(v)).mappings?.[0];
      if (!sub) throw new Error(`${v.id} has no mapping`);
      const sent = { name: sub.name, trigger: sub.trigger, action: sub.action, mapping: sub.mapping };
      const { req, dto } = await throughPipe('/admin/destinations/:id/mappings', json(sent), CreateMappingDto);
      c.handed.length = 0;
      await c.mappings.create(ID, dto, bodyFieldAsSent('mapping', req));
      const handed = c.handed[0][1] as CreateMappingDto;
      if (json(handed) !== json(sent)) changed.push(v.id);
      const admin = compileOrThrow(
        pipelineConfig(
          { presets: { trackEvent: false, identifyUser: false }, filters: [] },
          [{ ...handed, id: sub.id, enabled: true }],
          { apiKey: 'test-api-key', baseUrl: 'https://api.fullstory.com' },
        ),
      );
      const cli = previewEvent(buildPreviewDestination(optionsFor(v)), v.event);
      if (json(previewEvent(admin, v.event)) !== json(cli)) disagreements.push(v.id);
    }
    expect(changed).toEqual([]);
    expect(disagreements).toEqual([]);
  });
});
