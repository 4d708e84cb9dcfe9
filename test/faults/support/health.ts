import { RunningApp, waitFor } from '../../support/stack';

export interface Health {
  status: number;
  /** Terminus' answer: `details.<dependency>.status` is 'up' or 'down', with a message when down. */
  body: { status?: string; details?: Record<string, { status: string; message?: string }> };
}

export async function healthOf(app: RunningApp): Promise<Health> {
  const res = await fetch(`http://127.0.0.1:${app.port}/health`, { signal: AbortSignal.timeout(5000) });
  return { status: res.status, body: (await res.json()) as Health['body'] };
}

/** Waits until the app's /health reports the dependency up (200) or down (503), and returns that answer. */
export async function untilHealth(app: RunningApp, dependency: string, state: 'up' | 'down'): Promise<Health> {
  return waitFor(
    `${app.name} /health to say ${dependency} is ${state}`,
    async () => {
      const h = await healthOf(app);
      const ok = state === 'up' ? h.status === 200 : h.status === 503;
      return ok && h.body.details?.[dependency]?.status === state ? h : null;
    },
    20000,
    100,
  );
}
