// Preloaded into a service the benchmark starts (NODE_OPTIONS=--require …/profile-hook.js), so that
// its CPU can be profiled over exactly the load window without touching the service's code:
// the first SIGWINCH starts the V8 sampling profiler, the next one writes the profile (a .cpuprofile
// that Chrome DevTools opens too) to the path written in the file BENCH_CPU_PROFILE_CONTROL, sampled
// every BENCH_CPU_PROFILE_INTERVAL_US (profileHookSettings in bench-settings.ts: the benchmark sets the
// first and has checked the second before it starts the service). Does nothing without the first.
// `{pid}` in the control file's name stands for the process's pid, so that the instances of a
// service started with the same settings are told apart.
// SIGWINCH because its default is to be ignored and Nest's enableShutdownHooks() does not treat it
// as a shutdown signal (it does SIGUSR2); SIGUSR1 would open Node's debugger.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { benchConfig, profileHookSettings } from './bench-settings';

const SETTINGS = benchConfig('the CPU profile hook', profileHookSettings);
const control = SETTINGS.BENCH_CPU_PROFILE_CONTROL?.replace('{pid}', String(process.pid));
if (control) {
  // Connected on first use only, so that the measured runs before it have no inspector attached.
  let session: Session | undefined;
  let running = false;
  process.on('SIGWINCH', () => {
    if (!running) {
      running = true;
      if (!session) {
        session = new Session();
        session.connect();
        session.post('Profiler.enable');
        session.post('Profiler.setSamplingInterval', { interval: SETTINGS.BENCH_CPU_PROFILE_INTERVAL_US });
      }
      session.post('Profiler.start');
      return;
    }
    running = false;
    const file = readFileSync(control, 'utf8').trim();
    session!.post('Profiler.stop', (error, result) => {
      if (error) {
        writeFileSync(`${file}.error`, String(error));
        return;
      }
      writeFileSync(`${file}.tmp`, JSON.stringify(result.profile));
      // Renamed into place so the benchmark never reads half a file.
      renameSync(`${file}.tmp`, file);
    });
  });
}
