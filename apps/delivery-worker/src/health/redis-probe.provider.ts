import { RedisClient, createRedisClient } from '@fsd/platform';
import { WORKER_CONFIG, WorkerConfig } from '../config/worker.config';
import { logErrors } from '@fsd/platform';

export const REDIS_PROBE = Symbol('REDIS_PROBE');

export const redisProbeProvider = {
  provide: REDIS_PROBE,
  inject: [WORKER_CONFIG],
  useFactory: (config: WorkerConfig): RedisClient => {
    const client = createRedisClient(config, { maxRetriesPerRequest: 1, connectionName: 'worker-health' });
    logErrors(client, 'redis worker-health');
    return client;
  },
};
