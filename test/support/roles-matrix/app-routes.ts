import { readFileSync } from 'fs';
import path from 'path';
import { ROOT } from '../stack';

/** Environment for an app whose routes are to be listed: test/support/route-recorder.js preloaded. */
export function recordRoutesEnv(file: string): Record<string, string> {
  const recorder = path.join(ROOT, 'test/support/route-recorder.js');
  return { NODE_OPTIONS: `--require ${recorder}`, FSD_ROUTE_LIST_FILE: file };
}

/**
 * The admin routes the running app registered (as `METHOD /url`, Fastify's form), from the recorder's file. HEAD
 * routes are left out: Fastify answers HEAD with the GET route's handler, so GET's row covers them.
 */
export function adminRoutes(file: string): string[] {
  const keys = new Set<string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const { method, url } = JSON.parse(line) as { method: string; url: string };
    if (method === 'HEAD' || !(url === '/admin' || url.startsWith('/admin/'))) continue;
    keys.add(`${method} ${url}`);
  }
  return [...keys].sort();
}
