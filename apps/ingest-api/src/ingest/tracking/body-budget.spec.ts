import Fastify, { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from '../../core/errors/send-error';
import { BATCH_LIMIT, RAW_LIMIT, SINGLE_CALL_LIMIT } from '../../core/http/json-body-parser';
import { BodyBudget, bodyCharge } from './body-budget';

const KB = 1024;
/** Metrics are checked end to end (security-limits e2e); here nothing watches. */
const unwatched = { watchBodyBudget: () => undefined };

describe('bodyCharge', () => {
  it.each([
    ['a declared length', { 'content-length': '4000' }, SINGLE_CALL_LIMIT, 4000],
    [
      'a declared length over the route limit (the parser reads it, then refuses it)',
      { 'content-length': String(600 * KB) },
      BATCH_LIMIT,
      600 * KB,
    ],
    [
      'a declared length over what the parser reads at all',
      { 'content-length': String(50 * 1024 * KB) },
      BATCH_LIMIT,
      RAW_LIMIT,
    ],
    ['no declared length (chunked)', {}, SINGLE_CALL_LIMIT, RAW_LIMIT],
    ['a length that is not a number', { 'content-length': '12abc' }, SINGLE_CALL_LIMIT, RAW_LIMIT],
    [
      'gzip: what arrives and what it may inflate to',
      { 'content-length': '1000', 'content-encoding': 'gzip' },
      BATCH_LIMIT,
      1000 + BATCH_LIMIT,
    ],
    ['identity named explicitly', { 'content-length': '1000', 'content-encoding': 'Identity' }, BATCH_LIMIT, 1000],
  ])('%s', (_name, headers, routeLimit, expected) => {
    expect(bodyCharge(headers, routeLimit)).toBe(expected);
  });
});

describe('BodyBudget', () => {
  it('takes what fits, refuses what does not, and takes again what was given back', () => {
    const budget = new BodyBudget({ maxBodyBytesInFlight: 1000 }, unwatched);
    expect([budget.tryTake(600), budget.tryTake(400), budget.tryTake(1)]).toEqual([true, true, false]);
    expect(budget.bytesHeld).toBe(1000);
    budget.giveBack(600);
    expect([budget.tryTake(601), budget.tryTake(600)]).toEqual([false, true]);
    expect(budget.bytesHeld).toBe(1000);
  });

  describe('as the onRequest hook of a route, over real HTTP', () => {
    const budget = new BodyBudget({ maxBodyBytesInFlight: BATCH_LIMIT }, unwatched);
    let app: FastifyInstance;
    let url: string;
    let handled = 0;
    let release: () => void = () => undefined;
    let entered: () => void = () => undefined;

    /** Per request (its `x-tag`): resolves when the server has closed its answer, after the budget got it back. */
    const closed = new Map<string, () => void>();
    const answerClosed = (tag: string) => new Promise<void>((r) => closed.set(tag, r));
    const post = (tag: string, kb: number, hold = false) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-tag': tag, ...(hold ? { 'x-hold': '1' } : {}) },
        body: JSON.stringify('x'.repeat(kb * KB - 2)),
      });

    beforeAll(async () => {
      app = Fastify();
      // An app-wide hook runs before the route's, so this listener is added before the budget's and both run in the
      // same 'close' event: when the promise's continuation runs, the budget has its bytes back.
      app.addHook('onRequest', async (req, reply) => {
        reply.raw.once('close', () => closed.get(String(req.headers['x-tag']))?.());
      });
      app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: RAW_LIMIT }, (_req, raw, done) =>
        done(null, (raw as Buffer).length),
      );
      const errorHandler = (error: FastifyError, _req: FastifyRequest, reply: FastifyReply) => sendError(reply, error);
      app.post('/v1/batch', { errorHandler, onRequest: budget.admit(BATCH_LIMIT) }, async (req) => {
        handled++;
        if (req.headers['x-hold']) {
          const gate = new Promise<void>((r) => (release = r));
          entered();
          await gate;
        }
        return { bytes: req.body };
      });
      url = `${await app.listen({ port: 0, host: '127.0.0.1' })}/v1/batch`;
    });

    afterAll(async () => {
      await app.close();
    });

    it('answers 503 overloaded with Retry-After, without reading the body, while the bodies held fill the budget', async () => {
      const inHandler = new Promise<void>((r) => (entered = r));
      const firstClosed = answerClosed('first');
      const first = post('first', 400, true);
      await inHandler;
      expect(budget.bytesHeld).toBe(400 * KB);

      const refused = await post('refused', 200);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(await refused.json()).toMatchObject({ success: false, code: 'overloaded' });
      expect(handled).toBe(1);
      expect(budget.refused).toBe(1);

      const fitsClosed = answerClosed('fits');
      const fits = await post('fits', 100);
      expect(fits.status).toBe(200);
      expect(await fits.json()).toEqual({ bytes: 100 * KB });
      await fitsClosed;
      expect(budget.bytesHeld).toBe(400 * KB);

      release();
      expect((await first).status).toBe(200);
      await firstClosed;
      expect(budget.bytesHeld).toBe(0);
      const againClosed = answerClosed('again');
      const again = await post('again', 500);
      expect(again.status).toBe(200);
      expect(handled).toBe(3);
      await againClosed;
      expect(budget.bytesHeld).toBe(0);
    });
  });
});
