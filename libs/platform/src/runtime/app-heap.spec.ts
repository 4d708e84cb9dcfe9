import { readFileSync } from 'fs';
import path from 'path';
import { APP_MAX_OLD_SPACE_MB, appNodeFlags } from './app-heap';

describe('appNodeFlags', () => {
  it.each([
    ['no NODE_OPTIONS', {}, ['--max-old-space-size=1024']],
    ['NODE_OPTIONS without a heap cap', { NODE_OPTIONS: '--enable-source-maps' }, ['--max-old-space-size=1024']],
    ["the operator's own cap", { NODE_OPTIONS: '--max-old-space-size=2048' }, []],
    ["the operator's own cap, space-separated", { NODE_OPTIONS: '--trace-gc --max-old-space-size 512' }, []],
    ['a different flag that starts alike', { NODE_OPTIONS: '--max-old-space-sizes=1' }, ['--max-old-space-size=1024']],
  ])('%s', (_name, env, flags) => {
    expect(appNodeFlags(env)).toEqual(flags);
  });

  it('is the cap the Docker image starts every app with', () => {
    const dockerfile = readFileSync(path.resolve(__dirname, '../../../../Dockerfile'), 'utf8');
    expect(dockerfile).toContain(`ENV NODE_OPTIONS=--max-old-space-size=${APP_MAX_OLD_SPACE_MB}\n`);
  });
});
