import { ChildProcess, execFileSync, spawn } from 'child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'fs';
import os from 'os';
import path from 'path';
import { Client } from 'pg';

/** The newest Postgres installed under /usr/lib/postgresql (Debian layout). */
function binDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = readdirSync(root)
    .filter((v) => existsSync(path.join(root, v, 'bin/postgres')))
    .sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) throw new Error(`no Postgres binaries under ${root}`);
  return path.join(root, versions[0], 'bin');
}

/** initdb and postgres refuse to run as root: run them as the `postgres` system user then. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const [, , uid, gid] = execFileSync('getent', ['passwd', 'postgres'], { encoding: 'utf8' }).trim().split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** Pids of the live (not zombie) children of `pid`, from /proc. */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // "pid (comm) state ppid ..."; comm may hold spaces, so split after its closing parenthesis.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(ppid) === pid && state !== 'Z') out.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/**
 * A private, throw-away Postgres cluster (initdb into a temporary folder, one postmaster on a free
 * port) for scenarios that crash or stop the database, so that the shared server other suites use is
 * never touched. `destroy()` stops it and removes the folder; call it in afterAll.
 *
 * fsync is off: the scenarios kill processes, not the machine, and what a killed process wrote is in
 * the kernel's page cache, so crash recovery replays the same WAL with or without fsync.
 */
export class PgServer {
  private readonly bin = binDir();
  private readonly user = runAs();
  private readonly dir = mkdtempSync(path.join(os.tmpdir(), 'fsd-faults-pg-'));
  private child?: ChildProcess;
  /** The postmaster's log (startup, crash recovery), for failure messages. */
  readonly log: string[] = [];

  constructor(readonly port: number) {
    try {
      if (this.user) chownSync(this.dir, this.user.uid, this.user.gid);
      execFileSync(path.join(this.bin, 'initdb'), ['-D', this.data, '-A', 'trust', '-U', 'postgres', '--no-sync'], {
        stdio: 'pipe',
        ...this.user,
      });
    } catch (e) {
      rmSync(this.dir, { recursive: true, force: true });
      throw e;
    }
  }

  private get data(): string {
    return path.join(this.dir, 'data');
  }

  /** A connection string for `database` on this server. */
  url(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** Starts the postmaster and waits until it accepts queries (after crash recovery, if any). */
  async start(timeoutMs = 30000): Promise<void> {
    const child = spawn(
      path.join(this.bin, 'postgres'),
      [
        '-D',
        this.data,
        '-p',
        String(this.port),
        '-k',
        this.dir,
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'fsync=off',
        '-c',
        'max_connections=200',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], ...this.user },
    );
    child.stdout?.on('data', (d: Buffer) => this.log.push(d.toString()));
    child.stderr?.on('data', (d: Buffer) => this.log.push(d.toString()));
    this.child = child;
    const deadline = Date.now() + timeoutMs;
    while (!(await this.answers())) {
      if (child.exitCode !== null) throw new Error(`postgres exited with ${child.exitCode}:\n${this.log.join('')}`);
      if (Date.now() > deadline) throw new Error(`postgres did not start:\n${this.log.join('')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /**
   * SIGKILLs the postmaster and every one of its processes at once, as an OOM kill or a host crash
   * would: no shutdown checkpoint, so the next start runs crash recovery. Returns once none is left.
   */
  async crash(): Promise<void> {
    const child = this.child;
    if (!child?.pid || child.exitCode !== null) throw new Error('postgres is not running');
    const backends = childrenOf(child.pid);
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    for (const pid of backends) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await exited;
    await this.until(() => backends.every((pid) => !alive(pid)), 'the killed backends to be gone');
  }

  /** A clean ("fast") shutdown: sessions are ended, a checkpoint is written. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGINT');
    await exited;
  }

  /** Stops the server (whatever its state) and removes its folder. */
  async destroy(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const pid = child.pid!;
      const backends = childrenOf(pid);
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      for (const b of backends) {
        try {
          process.kill(b, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async until(done: () => boolean, what: string, timeoutMs = 10000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  private async answers(): Promise<boolean> {
    const client = new Client({ connectionString: this.url('postgres'), connectionTimeoutMillis: 1000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}
