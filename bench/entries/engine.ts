// What the engine benchmarks load: the engine's own modules, bundled and minified like the extension.
export { Network, TRAIN_MODE, softmaxCrossEntropy } from '../../src/engine/network';
export { Optimizer } from '../../src/engine/optimizer';
export { Rng, sampleKeepBits } from '../../src/engine/rng';
export { applyKeepBits } from '../../src/engine/kernels/fused';
export { gemm, setGemmBackend } from '../../src/engine/kernels/gemm';
export { activeWasmKernel, relaxedMaddFuses, wasmGemmAvailable } from '../../src/engine/kernels/gemmWasm';
export { ClassifierTrainer } from '../../src/engine/trainer';
