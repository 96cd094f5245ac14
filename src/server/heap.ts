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
import { LINT_SEMI_SPACE_MB, LINT_YOUNG_GENERATION_MB } from '../lint/heapSize';

/** Semi-space size of the server's heap, in MB (V8's --max-semi-space-size). */
export const SERVER_SEMI_SPACE_MB = LINT_SEMI_SPACE_MB;

/** The same for the editor's worker thread (resourceLimits.maxYoungGenerationSizeMb). */
export const SERVER_YOUNG_GENERATION_MB = LINT_YOUNG_GENERATION_MB;

/** What the restarted stdio server runs with. */
export const SERVER_HEAP_FLAGS: readonly string[] = [`--max-semi-space-size=${SERVER_SEMI_SPACE_MB}`, '--no-allocation-site-pretenuring'];

/** Set in the server process started with the flags, so it never starts another. */
const CHILD_ENV = 'DROPOUT_LAB_SERVER_HEAP';

/** Did this process start with a semi-space size of its own (the command line or NODE_OPTIONS)? */
export function hasSemiSpaceFlag(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): boolean {
  const mentions = (arg: string) => /^--max[-_]semi[-_]space[-_]size(?:=|$)/.test(arg);
  return execArgv.some(mentions) || nodeOptions.split(/\s+/).some(mentions);
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
  if (process.env[CHILD_ENV] === '1' || hasSemiSpaceFlag() || debugging || !process.argv[1]) {
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
  const args = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  for (const arg of args) {
    const size = /^--max[-_]semi[-_]space[-_]size=(\d+)$/.exec(arg);
    if (size) return `semi-space ${size[1]} MB (--max-semi-space-size)${args.includes('--no-allocation-site-pretenuring') ? ', no allocation-site pretenuring' : ''}`;
  }
  return "V8's default young generation";
}
