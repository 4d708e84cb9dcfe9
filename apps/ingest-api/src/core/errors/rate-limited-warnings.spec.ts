import { rateLimitedWarnings } from './rate-limited-warnings';

describe('rateLimitedWarnings', () => {
  it('starts each line with its source and holds back a source repeating within 10 s', () => {
    const lines: string[] = [];
    const warnings = rateLimitedWarnings({ warn: (m: string) => void lines.push(m) });
    warnings.warn('request bodies', 'refused a request');
    warnings.warn('request bodies', 'refused another');
    warnings.warn('main pool', 'idle connection lost');
    expect(lines).toEqual(['request bodies: refused a request', 'main pool: idle connection lost']);
  });
});
