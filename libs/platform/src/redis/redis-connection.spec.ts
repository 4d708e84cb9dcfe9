import { clusterNodeOptions, redisClientPlan } from './redis-connection';

describe('clusterNodeOptions: what every cluster node takes from REDIS_URL', () => {
  it.each([
    ['redis://127.0.0.1:6379', {}],
    ['redis://:s%40cret@redis-1:6379', { password: 's@cret' }],
    ['rediss://app:pw@redis-1:6380/0', { username: 'app', password: 'pw', tls: {} }],
  ])('%s', (url, expected) => {
    expect(clusterNodeOptions(url)).toEqual(expected);
  });
});

describe('redisClientPlan: one server, or a cluster when seed nodes are set', () => {
  const options = { maxRetriesPerRequest: null, connectionName: 'x' };

  it.each([
    [
      'no seed nodes: the URL, options unchanged',
      { redisUrl: 'redis://:pw@h:1' },
      { url: 'redis://:pw@h:1', clusterNodes: [], options },
    ],
    [
      'an empty list: the same',
      { redisUrl: 'redis://:pw@h:1', redisClusterNodes: [] },
      { url: 'redis://:pw@h:1', clusterNodes: [], options },
    ],
    [
      "seed nodes: the cluster, with the URL's password on every node",
      { redisUrl: 'redis://:pw@ignored:1', redisClusterNodes: [{ host: 'a', port: 7000 }] },
      {
        url: 'redis://:pw@ignored:1',
        clusterNodes: [{ host: 'a', port: 7000 }],
        options: { password: 'pw', ...options },
      },
    ],
  ])('%s', (_name, settings, expected) => {
    expect(redisClientPlan(settings, options)).toEqual(expected);
  });
});
