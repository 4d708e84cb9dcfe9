import Redis from 'ioredis';
import { WORKER_CONFIG, WorkerConfig } from '../config/worker.config';
import { logErrors } from '@fsd/platform';

export const REDIS_PROBE = Symbol('REDIS_PROBE');

export const redisProbeProvider = {
  provide: REDIS_PROBE,
  inject: [WORKER_CONFIG],
  useFactory: (config: WorkerConfig): Redis => {
    const client = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, connectionName: 'worker-health' });
    logErrors(client, 'redis worker-health');
    return client;
  },
};
