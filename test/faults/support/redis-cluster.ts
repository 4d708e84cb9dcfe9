import { ChildProcess, execFile, spawn } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import os from 'os';
import path from 'path';
import Redis from 'ioredis';
import { promisify } from 'util';
import { freePort, waitFor } from '../../support/stack';

const run = promisify(execFile);

/** One node of a private cluster: its client port, cluster-bus port and data directory. */
interface ClusterNode {
  port: number;
  busPort: number;
  dir: string;
  child?: ChildProcess;
}

/**
 * A private Redis Cluster of `size` masters (no replicas), each a `redis-server --cluster-enabled yes` on free
 * ports with its own temporary directory, nothing saved. Removed by `stop()`, which afterAll calls even when a
 * test fails.
 */
export class RedisCluster {
  private readonly nodes: ClusterNode[];

  constructor(size = 3) {
    // Explicit bus ports (cluster-port): the default, port + 10000, could land in the ephemeral range.
    this.nodes = Array.from({ length: size }, () => ({
      port: freePort(),
      busPort: freePort(),
      dir: mkdtempSync(path.join(os.tmpdir(), 'fsd-redis-cluster-')),
    }));
  }

  /** REDIS_CLUSTER_NODES for the apps. */
  get nodesEnv(): string {
    return this.nodes.map((n) => `127.0.0.1:${n.port}`).join(',');
  }

  /** One URL per node, for scans that read every node's keys. */
  get urls(): string[] {
    return this.nodes.map((n) => `redis://127.0.0.1:${n.port}`);
  }

  async start(): Promise<void> {
    for (const node of this.nodes) {
      node.child = spawn(
        'redis-server',
        [
          '--port',
          String(node.port),
          '--cluster-port',
          String(node.busPort),
          '--bind',
          '127.0.0.1',
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          path.join(node.dir, 'nodes.conf'),
          '--cluster-node-timeout',
          '5000',
          '--dir',
          node.dir,
          '--save',
          '',
          '--appendonly',
          'no',
          '--daemonize',
          'no',
        ],
        { stdio: 'ignore' },
      );
    }
    for (const node of this.nodes) {
      await waitFor(`redis-server on ${node.port}`, async () => {
        if (node.child?.exitCode !== null) throw new Error(`redis-server on ${node.port} exited`);
        return (await this.cli(node.port, 'ping')).trim() === 'PONG';
      });
    }
    await run(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...this.nodes.map((n) => `127.0.0.1:${n.port}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      { timeout: 30000 },
    );
    // Every node must know every slot's owner before a client's first command.
    for (const node of this.nodes) {
      await waitFor(`cluster_state:ok on ${node.port}`, async () =>
        /cluster_state:ok/.test(await this.cli(node.port, 'cluster', 'info')),
      );
    }
  }

  /** The hash slot of each key, as the cluster computes it (CLUSTER KEYSLOT, one connection). */
  async slotsOf(keys: string[]): Promise<number[]> {
    const redis = new Redis(this.nodes[0].port, '127.0.0.1', { lazyConnect: true });
    try {
      await redis.connect();
      return await Promise.all(keys.map(async (k) => Number(await redis.call('CLUSTER', 'KEYSLOT', k))));
    } finally {
      redis.disconnect();
    }
  }

  /** Every key matching the pattern, by the port of the node that holds it. */
  async keysByNode(pattern: string): Promise<Map<number, string[]>> {
    const out = new Map<number, string[]>();
    for (const node of this.nodes) {
      const keys = (await this.cli(node.port, '--scan', '--pattern', pattern)).split('\n').filter((k) => k !== '');
      out.set(node.port, keys);
    }
    return out;
  }

  async stop(): Promise<void> {
    for (const node of this.nodes) {
      const child = node.child;
      if (child && child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        await exited;
      }
      rmSync(node.dir, { recursive: true, force: true });
    }
  }

  private async cli(port: number, ...args: string[]): Promise<string> {
    const { stdout } = await run('redis-cli', ['-p', String(port), ...args], { timeout: 5000 });
    return stdout;
  }
}
