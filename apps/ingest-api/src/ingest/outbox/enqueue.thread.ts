/**
 * The enqueue thread: adds the post-commit delivery jobs to BullMQ off the request thread. BullMQ's
 * per-job client work (building and encoding each add-job script call) and the socket writes that wake
 * Redis otherwise take a fifth of the event loop that answers tracking calls.
 *
 * It imports only bullmq, ioredis, its protocol file and messageOf (no workspace aliases: a worker thread does not inherit the main
 * thread's module resolution). The main thread sends fully built jobs and gets an acknowledgement per
 * batch; a failure is reported back and loses nothing, since the outbox relay enqueues whatever is missing.
 */
import { Queue } from 'bullmq';
import Redis, { Cluster } from 'ioredis';
import { parentPort, workerData } from 'worker_threads';
import { EnqueueThreadData, EnqueueThreadReply, EnqueueThreadRequest, addQueueJobs } from './enqueue-thread.protocol';
import { messageOf } from '../../core/errors/message-of';

const settings = workerData as EnqueueThreadData;
const port = parentPort;
if (!port) throw new Error('enqueue.thread must run as a worker thread');

const { redis } = settings;
// As the platform's createRedisClient builds it (this thread cannot import the platform library).
const connection =
  redis.clusterNodes.length > 0
    ? new Cluster(redis.clusterNodes, { redisOptions: redis.options, enableOfflineQueue: true })
    : new Redis(redis.url, redis.options);
connection.on('error', (e) => warn('enqueue thread redis', e));
const queues = new Map<string, Queue>();

/** Reported to the main thread, which logs it (rate-limited): never dropped, never a crash. */
function warn(source: string, e: Error): void {
  port?.postMessage({ kind: 'warning', source, message: e.message } satisfies EnqueueThreadReply);
}

function queue(name: string): Queue {
  let q = queues.get(name);
  if (!q) {
    q = new Queue(name, { connection, prefix: settings.prefix });
    q.on('error', (e) => warn(`enqueue thread queue ${name}`, e));
    queues.set(name, q);
  }
  return q;
}

async function add(request: Extract<EnqueueThreadRequest, { kind: 'add' }>): Promise<EnqueueThreadReply> {
  try {
    await Promise.all(
      request.queues.map((entry) =>
        addQueueJobs(entry, connection, queue(entry.name), settings.jobName, settings.jobOptions),
      ),
    );
    return { kind: 'added', seq: request.seq };
  } catch (e) {
    return { kind: 'added', seq: request.seq, error: messageOf(e) };
  }
}

port.on('message', (request: EnqueueThreadRequest) => {
  if (request.kind === 'add') {
    void add(request).then((reply) => port.postMessage(reply));
    return;
  }
  void Promise.all([...queues.values()].map((q) => q.close().catch(() => undefined)))
    .then(() => connection.quit().catch(() => connection.disconnect()))
    // With its port closed and its connection gone, nothing keeps the thread alive: it ends.
    .finally(() => port.close());
});
