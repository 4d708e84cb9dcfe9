import { parseRedisNodes } from './redis-nodes';

describe('parseRedisNodes (REDIS_CLUSTER_NODES)', () => {
  it.each([
    [undefined, []],
    ['', []],
    ['127.0.0.1:7000', [{ host: '127.0.0.1', port: 7000 }]],
    [
      ' redis-a:6379 , redis-b.internal:6380,',
      [
        { host: 'redis-a', port: 6379 },
        { host: 'redis-b.internal', port: 6380 },
      ],
    ],
    ['[::1]:7001', [{ host: '::1', port: 7001 }]],
  ])('%j reads as %j', (text, nodes) => {
    expect(parseRedisNodes(text)).toEqual({ nodes, problems: [] });
  });

  it.each([
    ['redis-a', 'entry "redis-a" must be host:port'],
    ['redis://a:6379', 'entry "redis://a:6379" must be host:port'],
    ['a:0', 'entry "a:0" must be host:port'],
    ['a:70000', 'entry "a:70000" must be host:port'],
    ['a:x', 'entry "a:x" must be host:port'],
  ])('%j is refused', (text, problem) => {
    expect(parseRedisNodes(`127.0.0.1:7000,${text}`)).toEqual({
      nodes: [{ host: '127.0.0.1', port: 7000 }],
      problems: [problem],
    });
  });
});
