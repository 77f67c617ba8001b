// Builds, runs and saves the Keras-topology models of recurrent4j-interop's Keras fixtures with
// TensorFlow.js (a Keras implementation in JavaScript), then to_h5.py writes them in Keras' .h5
// layout. Run (tfjs installed outside the repository, e.g. npm install @tensorflow/tfjs in /work/tmp-tfjs):
//
//   NODE_PATH=/work/tmp-tfjs/node_modules node interop/src/test/fixtures-src/keras/make_models.js OUT_DIR
//   /usr/bin/python3 interop/src/test/fixtures-src/keras/to_h5.py OUT_DIR
//
// For each model NAME it writes OUT_DIR/NAME/model.json (the Keras topology and the weights
// manifest, as tfjs saves it), OUT_DIR/NAME/weights.bin, and OUT_DIR/NAME/io.json: the inputs and
// the outputs tfjs computed (model.predict), shapes and values.
const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs');

let seed = 1;
const normal = (shape, scale = 0.5) => tf.randomNormal(shape, 0, scale, 'float32', seed++);

/** Weights from a fixed seed, biases included (so a bias sent to the wrong gate shows). */
function setWeights(model) {
  model.setWeights(model.getWeights().map(w => normal(w.shape)));
}

/** x [batch, steps, features] with the last `pad[b]` steps of example b zero (negative: the first steps). */
function padded(shape, pad) {
  const x = normal(shape, 1).arraySync();
  pad.forEach((p, b) => {
    const steps = shape[1];
    for (let k = 0; k < Math.abs(p); k++) {
      const t = p > 0 ? steps - 1 - k : k;
      x[b][t] = x[b][t].map(() => 0);
    }
  });
  return tf.tensor(x);
}

const sigmoid = {recurrentActivation: 'sigmoid'};

const models = {
  seq_lstm_stack_dense() {
    const m = tf.sequential();
    m.add(tf.layers.lstm({units: 4, returnSequences: true, inputShape: [5, 3], ...sigmoid}));
    m.add(tf.layers.lstm({units: 3}));  // tfjs' default recurrent activation: hard_sigmoid
    m.add(tf.layers.dense({units: 2, activation: 'softmax'}));
    return [m, [normal([2, 5, 3], 1)]];
  },
  seq_gru_timedistributed() {
    const m = tf.sequential();
    m.add(tf.layers.gru({units: 4, returnSequences: true, inputShape: [5, 3], ...sigmoid}));
    m.add(tf.layers.timeDistributed({layer: tf.layers.dense({units: 2})}));
    return [m, [normal([3, 5, 3], 1)]];
  },
  seq_simplernn_relu_stack() {
    const m = tf.sequential();
    m.add(tf.layers.simpleRNN({units: 4, activation: 'relu', returnSequences: true, inputShape: [6, 3]}));
    m.add(tf.layers.simpleRNN({units: 3, useBias: false, returnSequences: true}));
    return [m, [normal([2, 6, 3], 1)]];
  },
  func_bidirectional_merges() {
    const x = tf.input({shape: [5, 3], name: 'x'});
    const concat = tf.layers.bidirectional({layer: tf.layers.lstm({units: 4, returnSequences: true, ...sigmoid}), mergeMode: 'concat'}).apply(x);
    const sum = tf.layers.bidirectional({layer: tf.layers.gru({units: 3, returnSequences: true, ...sigmoid}), mergeMode: 'sum'}).apply(x);
    const mul = tf.layers.bidirectional({layer: tf.layers.simpleRNN({units: 3, returnSequences: true}), mergeMode: 'mul'}).apply(x);
    const ave = tf.layers.bidirectional({layer: tf.layers.lstm({units: 2, ...sigmoid}), mergeMode: 'ave'}).apply(x);
    return [tf.model({inputs: x, outputs: [concat, sum, mul, ave]}), [normal([2, 5, 3], 1)]];
  },
  seq_masking_lstm_stack() {
    const m = tf.sequential();
    m.add(tf.layers.masking({maskValue: 0, inputShape: [6, 3]}));
    m.add(tf.layers.lstm({units: 4, returnSequences: true, ...sigmoid}));
    m.add(tf.layers.lstm({units: 3, returnSequences: true, ...sigmoid}));
    m.add(tf.layers.timeDistributed({layer: tf.layers.dense({units: 2})}));
    return [m, [padded([3, 6, 3], [0, 2, -2])]];
  },
  seq_masking_bidirectional_stack() {
    const m = tf.sequential();
    m.add(tf.layers.masking({maskValue: 0, inputShape: [6, 3]}));
    m.add(tf.layers.bidirectional({layer: tf.layers.lstm({units: 3, returnSequences: true, ...sigmoid}), mergeMode: 'concat'}));
    m.add(tf.layers.bidirectional({layer: tf.layers.gru({units: 2, ...sigmoid}), mergeMode: 'ave'}));
    return [m, [padded([3, 6, 3], [0, 3, -1])]];
  },
  func_embedding_mask_zero_bigru() {
    const tokens = tf.input({shape: [6], name: 'tokens', dtype: 'int32'});
    const e = tf.layers.embedding({inputDim: 10, outputDim: 4, maskZero: true}).apply(tokens);
    const g = tf.layers.bidirectional({layer: tf.layers.gru({units: 3, ...sigmoid}), mergeMode: 'concat'}).apply(e);
    const out = tf.layers.dense({units: 1, activation: 'sigmoid'}).apply(g);
    const ids = tf.tensor2d([[3, 1, 4, 1, 5, 9], [2, 6, 5, 0, 0, 0], [8, 9, 0, 0, 0, 0]], [3, 6], 'int32');
    return [tf.model({inputs: tokens, outputs: out}), [ids]];
  },
  func_go_backwards() {
    const x = tf.input({shape: [5, 3], name: 'x'});
    const seq = tf.layers.gru({units: 4, goBackwards: true, returnSequences: true, ...sigmoid}).apply(x);
    const last = tf.layers.lstm({units: 3, goBackwards: true, ...sigmoid}).apply(x);
    return [tf.model({inputs: x, outputs: [seq, last]}), [normal([2, 5, 3], 1)]];
  },
  func_return_state() {
    const x = tf.input({shape: [5, 3], name: 'x'});
    const [seq, h] = tf.layers.gru({units: 4, returnSequences: true, returnState: true, ...sigmoid}).apply(x);
    const out = tf.layers.dense({units: 2}).apply(h);
    return [tf.model({inputs: x, outputs: [seq, out]}), [normal([2, 5, 3], 1)]];
  },
  bad_lstm_return_state_cell() {
    const x = tf.input({shape: [5, 3], name: 'x'});
    const [y, h, c] = tf.layers.lstm({units: 4, returnState: true, ...sigmoid}).apply(x);
    return [tf.model({inputs: x, outputs: [y, c]}), [normal([2, 5, 3], 1)]];
  },
  sentiment_classifier() {
    // Token indices of a recurrent4j word vocabulary (sentiment_words.txt: 0 <pad>, 1 <unk>, 2 good, ...).
    const tokens = tf.input({shape: [null], name: 'tokens', dtype: 'int32'});
    const e = tf.layers.embedding({inputDim: 8, outputDim: 4, maskZero: true}).apply(tokens);
    const g = tf.layers.gru({units: 3, ...sigmoid}).apply(e);
    const out = tf.layers.dense({units: 2, activation: 'softmax'}).apply(g);
    // "not a good movie": not 5, a <unk> 1, good 2, movie 4.
    return [tf.model({inputs: tokens, outputs: out}), [tf.tensor2d([[5, 1, 2, 4]], [1, 4], 'int32')]];
  },
};

async function save(name, model, inputs, out) {
  const dir = path.join(out, name);
  fs.mkdirSync(dir, {recursive: true});
  await model.save(tf.io.withSaveHandler(async artifacts => {
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify({
      modelTopology: artifacts.modelTopology,
      weightsManifest: [{paths: ['weights.bin'], weights: artifacts.weightSpecs}],
    }));
    fs.writeFileSync(path.join(dir, 'weights.bin'), Buffer.from(artifacts.weightData));
    return {modelArtifactsInfo: {dateSaved: new Date(), modelTopologyType: 'JSON'}};
  }));
  let outputs = model.predict(inputs.length === 1 ? inputs[0] : inputs);
  outputs = Array.isArray(outputs) ? outputs : [outputs];
  const describe = t => ({shape: t.shape, dtype: t.dtype, values: Array.from(t.dataSync())});
  fs.writeFileSync(path.join(dir, 'io.json'), JSON.stringify({
    inputs: inputs.map(describe),
    outputs: outputs.map(describe),
    output_names: model.outputNames,
    input_names: model.inputNames,
  }));
}

(async () => {
  const out = process.argv[2];
  for (const [name, build] of Object.entries(models)) {
    const [model, inputs] = build();
    setWeights(model);
    await save(name, model, inputs, out);
    console.log('wrote', name);
  }
})();
