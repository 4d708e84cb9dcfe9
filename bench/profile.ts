import { readFileSync, readdirSync } from 'fs';
import path from 'path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

/**
 * The functions with the most self time across the `.cpuprofile` files of a directory, as lines
 * "12.3%  name  file:line"; percentages of the busy (non-idle) samples.
 */
export function summariseProfiles(dir: string, top: number): string[] {
  const self = new Map<string, number>();
  let total = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as CpuProfile;
    for (const node of profile.nodes) {
      const hits = node.hitCount ?? 0;
      if (hits === 0 || node.callFrame.functionName === '(idle)') continue;
      const { functionName, url, lineNumber } = node.callFrame;
      const where = url ? `${url.replace(/^file:\/\//, '').replace(/^.*node_modules\//, '')}:${lineNumber + 1}` : '';
      const key = `${functionName || '(anonymous)'}  ${where}`;
      self.set(key, (self.get(key) ?? 0) + hits);
      total += hits;
    }
  }
  if (total === 0) return ['(no profile written)'];
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, hits]) => `${((hits * 100) / total).toFixed(1).padStart(5)}%  ${key}`);
}

if (require.main === module) {
  for (const line of summariseProfiles(process.argv[2] ?? '.', Number(process.argv[3] ?? 25))) console.log(line);
}
