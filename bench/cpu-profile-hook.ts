/**
 * Loaded into an app with NODE_OPTIONS=--require (node refuses --cpu-prof there): profiles each of the process's
 * threads through the inspector and writes a .cpuprofile per thread into BENCH_CPU_PROFILE_DIR when it exits.
 */
import { Session } from 'inspector';
import { threadId } from 'worker_threads';
import { mkdirSync, writeFileSync } from 'fs';
import path from 'path';

const dir = process.env.BENCH_CPU_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  let written = false;
  const write = () => {
    if (written) return;
    written = true;
    // The in-process session answers synchronously, so this completes before the process ends.
    session.post('Profiler.stop', (err, result) => {
      if (err) return;
      mkdirSync(dir, { recursive: true });
      // Per thread: the hook runs in worker threads too (ingest's enqueue thread), which share the pid.
      writeFileSync(path.join(dir, `${process.pid}-${threadId}.cpuprofile`), JSON.stringify(result.profile));
    });
  };
  process.on('exit', write);
  // Nest re-raises the signal after its shutdown hooks, which skips 'exit': write at the first SIGTERM,
  // then step aside so the app's own handling (and the re-raised signal) behave as without the hook.
  const onSigterm = () => {
    process.removeListener('SIGTERM', onSigterm);
    write();
  };
  process.prependListener('SIGTERM', onSigterm);
}
