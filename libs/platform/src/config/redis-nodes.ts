import type { RedisNode } from '../redis/redis-connection';

/**
 * REDIS_CLUSTER_NODES: comma-separated `host:port` seed nodes of a Redis Cluster (any few of its masters; the
 * client discovers the rest). Empty means one server at REDIS_URL. Pure, so the apps and `npm start` read it alike.
 */
export function parseRedisNodes(text: string | undefined): { nodes: RedisNode[]; problems: string[] } {
  const nodes: RedisNode[] = [];
  const problems: string[] = [];
  for (const entry of (text ?? '').split(',').map((e) => e.trim())) {
    if (entry === '') continue;
    const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(entry);
    const port = match ? Number(match[2]) : 0;
    if (!match || port < 1 || port > 65535) {
      problems.push(`entry "${entry}" must be host:port`);
      continue;
    }
    nodes.push({ host: match[1].replace(/^\[|\]$/g, ''), port });
  }
  return { nodes, problems };
}
