// How large a young generation the threads and processes that lint get. A whole-file lint
// allocates a lot that dies when it ends (about 25 MB for a 5,000-line model): with V8's default
// 16 MB semi-spaces a lint is stopped once or twice by a young collection that copies everything it
// still uses; with 64 MB, collections come every two to three lints and find little alive.
// Measured: GC per re-lint ~8 ms -> ~1 ms (keystroke case), torch+torchvision one-shot lint
// 6.7-7.3 s -> 6.1 s on one worker. The cost is memory, up to ~90 MB more while linting.

/** Semi-space size, in MB (V8's --max-semi-space-size). */
export const LINT_SEMI_SPACE_MB = 64;

/** The same for a worker thread's resourceLimits.maxYoungGenerationSizeMb (V8: two semi-spaces plus the young large-object space). */
export const LINT_YOUNG_GENERATION_MB = LINT_SEMI_SPACE_MB * 3;
