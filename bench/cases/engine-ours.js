// Ours: the engine's Network + Optimizer (bundled), MLP 784-256-128-10, ReLU, dropout 0.5, SGD momentum.
const { loadDataset, trainingCase } = require('./common');

trainingCase(async (a) => {
  const engine = require(a.bundle);
  if (a.gemm) engine.setGemmBackend(a.gemm);
  const data = loadDataset(a.data);
  const { count, inputSize, classes, batch } = data;
  const batches = Math.floor(count / batch);
  let runEpoch;
  if (typeof engine.ClassifierTrainer === 'function') {
    // The engine's own trainer: seeded shuffle, batch copy, forward, loss, backward, SGD step.
    const config = {
      inputSize, classes, hiddenSizes: [256, 128], activation: 'relu', dropout: 0.5, inputDropout: 0,
      batchSize: batch, optimizer: { kind: 'sgd', learningRate: 0.01, momentum: 0.9 }, seed: 1234,
    };
    const warm = new engine.ClassifierTrainer(config, { count: 40 * batch, images: data.x.subarray(0, 40 * batch * inputSize), labels: data.y.subarray(0, 40 * batch) });
    warm.runEpoch(); // warm-up: JIT and wasm tier-up
    const trainer = new engine.ClassifierTrainer(config, { count: Math.floor(count / batch) * batch, images: data.x, labels: data.y });
    runEpoch = () => trainer.runEpoch();
  } else {
    const net = new engine.Network({
      inputSize,
      layers: [
        { units: 256, activation: 'relu', dropout: 0.5 },
        { units: 128, activation: 'relu', dropout: 0.5 },
        { units: classes, activation: 'linear' },
      ],
      loss: 'softmax-cross-entropy',
    }, 1234);
    const optimizer = new engine.Optimizer(net, { kind: 'sgd', learningRate: 0.01, momentum: 0.9 });
    const grad = new Float32Array(batch * classes);
    let step = 0;
    runEpoch = (limit = batches) => {
      let lossSum = 0;
      for (let b = 0; b < limit; b++) {
        const x = data.x.subarray(b * batch * inputSize, (b + 1) * batch * inputSize);
        const y = data.y.subarray(b * batch, (b + 1) * batch);
        const out = net.forward(x, batch, engine.TRAIN_MODE(step++));
        lossSum += engine.softmaxCrossEntropy(out, y, batch, classes, grad).lossSum;
        net.backward(grad);
        optimizer.step();
      }
      return lossSum / (limit * batch);
    };
    runEpoch(Math.min(batches, 40)); // warm-up: JIT and wasm tier-up
  }
  return {
    runEpoch,
    samples: batches * batch,
    info: { wasmGemm: engine.wasmGemmAvailable(), gemmKernel: engine.activeWasmKernel(), relaxedMaddFuses: engine.relaxedMaddFuses(), trainer: typeof engine.ClassifierTrainer === 'function' ? 'ClassifierTrainer' : 'Network' },
  };
});
