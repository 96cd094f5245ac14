// TF.js (cpu or wasm backend, one thread), the same MLP trained with optimizer.minimize per batch.
const path = require('path');
const { loadDataset, trainingCase } = require('./common');

trainingCase(async (a) => {
  const tf = require('@tensorflow/tfjs');
  if (a.backend === 'wasm') {
    const wasm = require('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + path.sep);
    if (wasm.setThreadsCount) wasm.setThreadsCount(1);
  }
  if (!(await tf.setBackend(a.backend))) throw new Error(`TF.js backend ${a.backend} did not initialise`);
  await tf.ready();
  const data = loadDataset(a.data);
  const { count, inputSize, classes, batch } = data;
  const dense = (fanIn, fanOut) => {
    const bound = Math.sqrt(6 / fanIn); // He uniform, as ours
    return [tf.variable(tf.randomUniform([fanIn, fanOut], -bound, bound)), tf.variable(tf.zeros([fanOut]))];
  };
  const [w1, b1] = dense(inputSize, 256);
  const [w2, b2] = dense(256, 128);
  const [w3, b3] = dense(128, classes);
  const optimizer = tf.train.momentum(0.01, 0.9);
  const batches = Math.floor(count / batch);
  const xs = [];
  const ys = [];
  for (let b = 0; b < batches; b++) {
    xs.push(tf.tensor2d(data.x.subarray(b * batch * inputSize, (b + 1) * batch * inputSize), [batch, inputSize]));
    ys.push(tf.oneHot(tf.tensor1d(Array.from(data.y.subarray(b * batch, (b + 1) * batch)), 'int32'), classes));
  }
  const lossOf = (x, y) => () => {
    const h1 = tf.dropout(tf.relu(tf.add(tf.matMul(x, w1), b1)), 0.5);
    const h2 = tf.dropout(tf.relu(tf.add(tf.matMul(h1, w2), b2)), 0.5);
    const logits = tf.add(tf.matMul(h2, w3), b3);
    return tf.losses.softmaxCrossEntropy(y, logits);
  };
  const runEpoch = (limit = batches) => {
    let last = 0;
    for (let b = 0; b < limit; b++) {
      const loss = optimizer.minimize(lossOf(xs[b], ys[b]), b === limit - 1);
      if (loss) { last = loss.dataSync()[0]; loss.dispose(); }
    }
    return last;
  };
  runEpoch(Math.min(batches, 10));
  return { runEpoch, samples: batches * batch, info: { backend: tf.getBackend(), version: tf.version.tfjs } };
});
