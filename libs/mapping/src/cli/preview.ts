import * as fs from 'fs';
import * as readline from 'readline';
import { isActionId, ACTION_IDS, type ActionId } from '../types';
import { buildPreviewDestination, previewEvent, type PreviewOptions } from './preview-core';

const USAGE = `usage: npm run --silent preview -- [--action ${ACTION_IDS.join('|')}] [--mapping FILE] [--trigger 'FQL'] [--api-key KEY]
Reads Segment events as NDJSON on stdin and prints one JSON line per input line.`;

class UsageError extends Error {}

function parseArgs(argv: string[]): PreviewOptions {
  const opts: PreviewOptions = {};
  let mappingFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    let name = arg;
    let value: string | undefined;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      name = arg.slice(0, eq);
      value = arg.slice(eq + 1);
    }
    const takeValue = (): string => {
      if (value !== undefined) return value;
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2))
        throw new UsageError(`${name} needs a value`);
      i++;
      return next;
    };
    switch (name) {
      case '--action': {
        const a = takeValue();
        if (!isActionId(a)) throw new UsageError(`unknown action "${a}"; expected one of ${ACTION_IDS.join(', ')}`);
        opts.action = a as ActionId;
        break;
      }
      case '--mapping':
        mappingFile = takeValue();
        break;
      case '--trigger':
        opts.trigger = takeValue();
        break;
      case '--api-key':
        opts.apiKey = takeValue();
        break;
      case '--help':
      case '-h':
        process.stdout.write(USAGE + '\n');
        process.exit(0);
        break;
      default:
        throw new UsageError(`unknown argument "${arg}"`);
    }
  }
  if ((mappingFile !== undefined || opts.trigger !== undefined) && !opts.action) {
    throw new UsageError('--mapping and --trigger need --action');
  }
  if (mappingFile !== undefined) {
    let text: string;
    try {
      text = fs.readFileSync(mappingFile, 'utf8');
    } catch (err) {
      throw new UsageError(
        `cannot read mapping file "${mappingFile}": ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new UsageError(
        `mapping file "${mappingFile}" is not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new UsageError(`mapping file "${mappingFile}" must contain a JSON object`);
    }
    opts.mapping = parsed as Record<string, unknown>;
  }
  if (process.env.FULLSTORY_BASE_URL) opts.baseUrl = process.env.FULLSTORY_BASE_URL;
  return opts;
}

async function main(): Promise<void> {
  let dest: ReturnType<typeof buildPreviewDestination>;
  try {
    const opts = parseArgs(process.argv.slice(2));
    dest = buildPreviewDestination(opts);
  } catch (err) {
    process.stderr.write(`preview: ${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
    process.exit(2);
  }

  const out = process.stdout;
  const input = process.stdin;
  const rl = readline.createInterface({ input, crlfDelay: Infinity, terminal: false });
  let buffer = '';
  let waiting = false;
  const flush = (): void => {
    if (buffer === '') return;
    const chunk = buffer;
    buffer = '';
    if (!out.write(chunk) && !waiting) {
      // Backpressure: stop reading until stdout drains (at most one input chunk is still in flight).
      waiting = true;
      input.pause();
      out.once('drain', () => {
        waiting = false;
        input.resume();
      });
    }
  };

  rl.on('line', (line: string) => {
    buffer += processLine(dest, line) + '\n';
    if (buffer.length >= 65536) flush();
  });
  await new Promise<void>((resolve) => rl.once('close', resolve));
  flush();
  await new Promise<void>((resolve) => out.end(resolve));
}

function processLine(dest: ReturnType<typeof buildPreviewDestination>, line: string): string {
  if (line.trim() === '') return JSON.stringify({ error: 'empty line' });
  let event: unknown;
  try {
    event = JSON.parse(line);
  } catch (err) {
    return JSON.stringify({ error: `invalid JSON: ${err instanceof Error ? err.message : String(err)}` });
  }
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    return JSON.stringify({ error: 'the line is not a JSON object' });
  }
  try {
    return JSON.stringify(previewEvent(dest, event));
  } catch (err) {
    return JSON.stringify({ error: `internal error: ${err instanceof Error ? err.message : String(err)}` });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`preview: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
