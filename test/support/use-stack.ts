import { RunningApp, StackEnv, dropDatabase, stackEnv, startApp } from './stack';
import { SeedOptions, SeededPair, seedSourceAndDestination } from './seed';
import { FakeFullStory, dropQueues } from './delivery';

/** The running stack of one spec file; its fields are set once the file's beforeAll has run. */
export interface Stack {
  env: StackEnv;
  /** ingest-api's base URL. */
  ingest: string;
  /** The seeded source (with its write key) feeding the seeded destination. */
  seeded: SeededPair;
  fake: FakeFullStory;
  /** The running apps, in the order they started: fake-fullstory, ingest-api, delivery-worker. */
  apps: RunningApp[];
}

export interface StackOptions {
  /** How the seeded destination is made (its presets, settings, filters, API key). */
  seed?: SeedOptions;
  /** Setup the delivery worker must find when it starts (mappings, more sources or destinations). */
  beforeWorker?: (stack: Stack) => Promise<void>;
}

/**
 * The stack preamble every end-to-end spec repeats, registered as the file's beforeAll / afterAll: a database and
 * queue prefix of its own, fake-fullstory and ingest-api started, one source and destination seeded, then the
 * delivery worker (which finds the destination when it starts); afterwards the apps stopped, the queues and the
 * database dropped.
 */
export function useStack(name: string, overrides: Partial<StackEnv> = {}, options: StackOptions = {}): Stack {
  const apps: RunningApp[] = [];
  const stack = { apps } as Stack;
  beforeAll(async () => {
    stack.env = stackEnv(name, overrides);
    apps.push(await startApp('fake-fullstory', stack.env));
    apps.push(await startApp('ingest-api', stack.env));
    stack.seeded = await seedSourceAndDestination(stack.env.DATABASE_URL, stack.env.SECRETS_KEY, options.seed);
    stack.ingest = `http://127.0.0.1:${stack.env.INGEST_PORT}`;
    stack.fake = new FakeFullStory(stack.env.FULLSTORY_BASE_URL);
    if (options.beforeWorker) await options.beforeWorker(stack);
    apps.push(await startApp('delivery-worker', stack.env));
  });
  afterAll(async () => {
    for (const app of [...apps].reverse()) await app.stop();
    if (stack.env) {
      await dropQueues(stack.env);
      await dropDatabase(stack.env.DATABASE_URL);
    }
  });
  return stack;
}
