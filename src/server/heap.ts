// The language server's heap (sizes and why: src/lint/heapSize.ts). V8 reads the young generation's
// size when the heap is created, so it is set at the start: by resourceLimits for the editor's worker
// thread, and for `dropout-lab server --stdio` by starting the process once more with the flags
// (see startWithServerHeap). That process also turns off V8's allocation-site pretenuring: indexing
// the workspace makes objects at the same allocation sites the lint uses (snapshots, summaries)
// and keeps them, so V8 starts allocating those sites' objects straight in the old generation,
// where each lint's short-lived objects then pin the rest of the lint through young collections.
// Measured with torch+torchvision indexed: young collections 10-15 ms each -> about 2 ms. (A worker
// thread cannot turn it off for itself: V8 flags are per process, and the extension host is shared.)
import { spawn } from 'child_process';
import { isMainThread, resourceLimits } from 'worker_threads';
import { LINT_SEMI_SPACE_MB } from '../lint/heapSize';

/** What the restarted stdio server runs with. */
export const SERVER_HEAP_FLAGS: readonly string[] = [`--max-semi-space-size=${LINT_SEMI_SPACE_MB}`, '--no-allocation-site-pretenuring'];

/** Set in the server process started with the flags, so it never starts another. */
const CHILD_ENV = 'DROPOUT_LAB_SERVER_HEAP';

/** V8 and Node options this process started with: its command line, then NODE_OPTIONS. */
function startOptions(): string[] {
  return [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
}

/** The semi-space size (MB, as written) this process started with, if it was given one. */
function semiSpaceFlag(options: readonly string[]): string | undefined {
  for (let i = 0; i < options.length; i++) {
    // `--max-semi-space-size=64` or `--max-semi-space-size 64`.
    const size = /^--max[-_]semi[-_]space[-_]size(?:=(\S*))?$/.exec(options[i]!);
    if (size) return size[1] ?? options[i + 1] ?? '';
  }
  return undefined;
}

/**
 * Runs `serve` in a process whose heap has the server's young generation. When this process has
 * its own (a flag, or it is the restarted one) that is here; otherwise the same command starts once
 * more with the flag, sharing stdin, stdout and stderr (the child talks to the editor directly), and
 * this process only waits and exits with the child's code. If the child cannot start, or this
 * process runs under a debugger, `serve` runs here with V8's default heap.
 */
export function startWithServerHeap(serve: () => void): void {
  // Under a debugger (--inspect) the process being debugged must be the one that serves.
  const debugging = process.execArgv.some((arg) => /^--(?:inspect|debug)/.test(arg));
  if (process.env[CHILD_ENV] === '1' || semiSpaceFlag(startOptions()) !== undefined || debugging || !process.argv[1]) {
    serve();
    return;
  }
  let child: ReturnType<typeof spawn>;
  try {
    child = spawn(process.execPath, [...process.execArgv, ...SERVER_HEAP_FLAGS, process.argv[1], ...process.argv.slice(2)], {
      stdio: 'inherit',
      env: { ...process.env, [CHILD_ENV]: '1' },
      windowsHide: true,
    });
  } catch {
    serve();
    return;
  }
  let started = false;
  child.once('spawn', () => {
    started = true;
  });
  child.once('error', () => {
    // Never started (spawn failed): serve from this process instead.
    if (!started) serve();
  });
  child.once('exit', (code, signal) => {
    if (started) process.exit(code ?? (signal ? 1 : 0));
  });
  // An editor that stops the server by a signal stops the process it started: pass it on.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (!child.killed) child.kill(signal);
    });
  }
}

/** For the server's log: the young generation this process (or worker thread) runs with. */
export function describeServerHeap(): string {
  // A worker thread reports its own limits; the main thread's are all zero.
  if (!isMainThread && resourceLimits.maxYoungGenerationSizeMb) return `young generation ${resourceLimits.maxYoungGenerationSizeMb} MB (worker thread)`;
  const options = startOptions();
  const size = semiSpaceFlag(options);
  if (size === undefined) return "V8's default young generation";
  return `semi-space ${size} MB (--max-semi-space-size)${options.includes('--no-allocation-site-pretenuring') ? ', no allocation-site pretenuring' : ''}`;
}
