import type { FastifyRequest } from 'fastify';
import { buildPreviewDestination, loadVectors, optionsFor, previewEvent } from '@fsd/mapping';
import { decodeBody } from '../../core/http/json-body-parser';
import { adminValidationPipe } from '../common/admin-validation.pipe';
import { bodyFieldAsSent } from '../common/body-field-as-sent';
import { vectorAdminDestination } from './testing/vector-admin-destination';
import { PreviewDto } from './destination.dto';

/**
 * POST /admin/destinations/:id/preview as Nest runs it: the body parser, then the admin validation pipe on the
 * body (which deletes `__proto__`, `constructor` and `prototype` keys in place, at any depth, before the handler
 * runs), then the handler's parameters. The event the route hands the preview must be the event as sent.
 */
async function throughRoute(body: string): Promise<{ dto: PreviewDto; event: unknown }> {
  const req = { routeOptions: { url: '/admin/destinations/:id/preview' }, headers: {} } as unknown as FastifyRequest;
  const parsed = decodeBody(req, Buffer.from(body, 'utf8'));
  const dto = (await adminValidationPipe.transform(parsed, { type: 'body', metatype: PreviewDto })) as PreviewDto;
  return { dto, event: bodyFieldAsSent('event', req) };
}

describe('the admin preview route hands the event over as sent (edge vectors)', () => {
  it('every one of the 2,700 hostile events reaches the preview unchanged, which then prints what the CLI prints', async () => {
    const cases = loadVectors('edge.ndjson');
    expect(cases).toHaveLength(2700);
    const changed: string[] = [];
    const disagreements: string[] = [];
    let strippedByPipe = 0;
    for (const c of cases) {
      const sent = JSON.stringify({ event: c.event });
      const { dto, event } = await throughRoute(sent);
      if (JSON.stringify(dto.event) !== JSON.stringify(c.event)) strippedByPipe++;
      if (JSON.stringify(event) !== JSON.stringify(c.event)) changed.push(c.id);
      const admin = vectorAdminDestination(c);
      const got = previewEvent(admin, event);
      const cli = previewEvent(buildPreviewDestination(optionsFor(c)), c.event);
      if (JSON.stringify(got) !== JSON.stringify(cli)) disagreements.push(c.id);
    }
    // What the DTO alone would have handed over: the pipe strips those keys from 1,563 of the events.
    expect(strippedByPipe).toBe(1563);
    expect(changed).toEqual([]);
    expect(disagreements).toEqual([]);
  });

  it.each<[string, string, unknown]>([
    [
      'own __proto__, constructor and prototype keys at any depth',
      '{"event":{"type":"track","properties":{"__proto__":{"a":1},"constructor":{"prototype":2},"c":{"__proto__":3}}}}',
      '{"type":"track","properties":{"__proto__":{"a":1},"constructor":{"prototype":2},"c":{"__proto__":3}}}',
    ],
    ['a body with a byte-order mark', '\ufeff{"event":{"prototype":[1]}}', '{"prototype":[1]}'],
  ])('%s', async (...[, body, expected]) => {
    const { dto, event } = await throughRoute(body);
    expect(JSON.stringify(event)).toBe(expected);
    expect(JSON.stringify(dto.event)).not.toBe(expected);
  });

  it('gives nothing for a request without a JSON body or without the field', () => {
    expect(bodyFieldAsSent('event', {})).toBeUndefined();
    const req = { routeOptions: { url: '/admin/destinations/:id/preview' }, headers: {} } as unknown as FastifyRequest;
    decodeBody(req, Buffer.from('{"__proto__":{"event":{"x":1}}}'));
    expect(bodyFieldAsSent('event', req)).toBeUndefined();
  });

  it('keeps no text for the tracking API', () => {
    const req = { routeOptions: { url: '/v1/track' }, headers: {} } as unknown as FastifyRequest;
    decodeBody(req, Buffer.from('{"event":{"type":"track"}}'));
    expect(bodyFieldAsSent('event', req)).toBeUndefined();
  });
});
