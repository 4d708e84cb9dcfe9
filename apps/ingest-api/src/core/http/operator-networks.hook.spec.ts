import Fastify, { FastifyInstance } from 'fastify';
import { installOperatorNetworks, isOperatorRoute } from './operator-networks.hook';

describe('isOperatorRoute', () => {
  it.each([
    ['/admin', true],
    ['/admin/destinations/:id', true],
    ['/admin/ui', true],
    ['/admin/queues/api/queues', true],
    ['/metrics', true],
    ['/docs', true],
    ['/docs-json', true],
    ['/docs/static/index.html', true],
    ['/v1/track', false],
    ['/v1/batch', false],
    ['/health', false],
    ['/administrator', false],
    ['/metrics/x', false],
    ['/docsx', false],
    [undefined, false],
  ])('%s → %s', (route, expected) => {
    expect(isOperatorRoute(route)).toBe(expected);
  });
});

/** On a real Fastify instance, asked from given client addresses (inject's remoteAddress). */
describe('installOperatorNetworks', () => {
  const build = async (networks: 'any' | string[]): Promise<FastifyInstance> => {
    const app = Fastify();
    installOperatorNetworks(app, networks);
    for (const url of ['/admin/destinations/:id', '/metrics', '/docs-json', '/v1/track', '/health']) {
      app.get(url, async () => ({ route: url }));
    }
    await app.ready();
    return app;
  };
  let limited: FastifyInstance;
  let open: FastifyInstance;

  beforeAll(async () => {
    limited = await build(['10.0.0.0/8', '::1']);
    open = await build('any');
  });

  afterAll(async () => {
    await limited.close();
    await open.close();
  });

  const ask = (app: FastifyInstance, url: string, remoteAddress: string) =>
    app.inject({ method: 'GET', url, remoteAddress });

  it.each(['/admin/destinations/d1', '/metrics', '/docs-json'])(
    'refuses %s to an address outside the networks, with 403 network_not_allowed',
    async (url) => {
      const res = await ask(limited, url, '203.0.113.9');
      expect(res.statusCode).toBe(403);
      expect(res.json()).toEqual({
        success: false,
        code: 'network_not_allowed',
        message: 'This address may not reach the operator routes (OPERATOR_NETWORKS)',
      });
    },
  );

  it.each([
    ['/admin/destinations/d1', '10.4.5.6', '/admin/destinations/:id'],
    ['/metrics', '::ffff:10.0.0.1', '/metrics'],
    ['/docs-json', '::1', '/docs-json'],
  ])('answers %s to %s, inside the networks', async (url, from, route) => {
    const res = await ask(limited, url, from);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ route });
  });

  it.each(['/v1/track', '/health'])('keeps %s open to every address', async (url) => {
    const res = await ask(limited, url, '203.0.113.9');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ route: url });
  });

  it('decides on the route matched, so another spelling of an operator path is refused too', async () => {
    expect((await ask(limited, '/%61dmin/destinations/d1', '203.0.113.9')).statusCode).toBe(403);
    expect((await ask(limited, '/%61dmin/destinations/d1', '10.0.0.2')).json()).toEqual({
      route: '/admin/destinations/:id',
    });
    expect((await ask(limited, '/nothing', '203.0.113.9')).statusCode).toBe(404);
  });

  it('with "any", answers every address', async () => {
    const res = await ask(open, '/admin/destinations/d1', '203.0.113.9');
    expect(res.statusCode).toBe(200);
  });
});
