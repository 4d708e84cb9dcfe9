import { AppLogger, effectiveLevel, nestLogLevels } from './nest-logger';

describe('nestLogLevels', () => {
  it.each([
    ['silent', []],
    ['fatal', ['fatal']],
    ['error', ['fatal', 'error']],
    ['warn', ['fatal', 'error', 'warn']],
    ['info', ['fatal', 'error', 'warn', 'log']],
    ['debug', ['fatal', 'error', 'warn', 'log', 'debug']],
    ['trace', ['fatal', 'error', 'warn', 'log', 'debug', 'verbose']],
    ['loud', ['fatal', 'error', 'warn', 'log']],
  ])('LOG_LEVEL=%s enables %j', (level, expected) => {
    expect(nestLogLevels(level)).toEqual(expected);
  });
});

describe('effectiveLevel', () => {
  it.each([
    ['log', 'RoutesResolver', 'debug'],
    ['log', 'RouterExplorer', 'debug'],
    ['log', 'InstanceLoader', 'debug'],
    ['log', 'NestFactory', 'debug'],
    ['log', 'NestApplication', 'debug'],
    ['log', 'Bootstrap', 'log'],
    ['log', undefined, 'log'],
    ['warn', 'RoutesResolver', 'warn'],
    ['error', 'NestApplication', 'error'],
  ] as const)('%s from %s prints at %s', (level, context, expected) => {
    expect(effectiveLevel(level, context)).toBe(expected);
  });
});

describe('AppLogger', () => {
  const printed = (logLevel: string, log: (l: AppLogger) => void): string => {
    const writes: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    try {
      log(new AppLogger(logLevel));
    } finally {
      spy.mockRestore();
    }
    return writes.join('');
  };

  it('prints route mapping only at debug, and the apps own lines at info', () => {
    const run = (l: AppLogger) => {
      l.log('Mapped {/health, GET} route', 'RouterExplorer');
      l.log('ingest-api listening', 'Bootstrap');
    };
    const info = printed('info', run);
    expect(info).toContain('ingest-api listening');
    expect(info).not.toContain('Mapped {/health, GET} route');
    const debug = printed('debug', run);
    expect(debug).toContain('Mapped {/health, GET} route');
    expect(debug).toContain('ingest-api listening');
  });

  it('prints nothing at warn for log lines', () => {
    expect(printed('warn', (l) => l.log('ingest-api listening', 'Bootstrap'))).toBe('');
  });
});
