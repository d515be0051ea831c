/**
 * The forward pass of a training step: what model.apply(x, { training: true }) computes for the
 * Sequential templates, with dense layers (ReLU or linear, rank-2 input) and 2-D convolutions (ReLU or
 * linear, NHWC) as one fused op each way (backends/fused-ops.ts). Every other layer runs its own call as model.apply would. On backends without
 * the fused kernels this is model.apply itself.
 */
import * as tf from '@tensorflow/tfjs';
import { FUSED_ACTIVATIONS, conv2d, dense, type FusedActivation } from '../backends/fused-ops';

/** The fields of tfjs-layers' Dense and Conv2D that the fused ops need (public on the instances, not typed). */
interface LayerFields {
  kernel: tf.LayerVariable | null;
  bias: tf.LayerVariable | null;
  activation: { getClassName(): string } | null;
  strides?: number[];
  padding?: string;
  dilationRate?: number | number[];
  dataFormat?: string;
  rank?: number;
}

const pair = (v: number | number[] | undefined): [number, number] => (Array.isArray(v) ? [v[0], v[v.length === 1 ? 0 : 1]] : [v ?? 1, v ?? 1]);

function fusedActivationOf(layer: tf.layers.Layer): FusedActivation | null {
  const name = (layer as unknown as LayerFields).activation?.getClassName() ?? 'linear';
  return FUSED_ACTIVATIONS.includes(name) ? (name as FusedActivation) : null;
}

export function applyForTraining(model: tf.LayersModel, x: tf.Tensor): tf.Tensor {
  if (!(model instanceof tf.Sequential)) return model.apply(x, { training: true }) as tf.Tensor;
  let h = x;
  for (const layer of model.layers) {
    const kind = layer.getClassName();
    if (kind === 'InputLayer') continue;
    const activation = kind === 'Dense' || kind === 'Conv2D' ? fusedActivationOf(layer) : null;
    const f = layer as unknown as LayerFields;
    if (activation && kind === 'Dense' && h.rank === 2 && f.kernel) {
      h = dense(h, f.kernel.read(), f.bias?.read() ?? null, activation);
    } else if (activation && kind === 'Conv2D' && h.rank === 4 && f.kernel && f.rank === 2 && f.dataFormat === 'channelsLast' && (f.padding === 'same' || f.padding === 'valid')) {
      const geometry = { strides: pair(f.strides), padding: f.padding, dilations: pair(f.dilationRate) } as const;
      h = conv2d(h as tf.Tensor4D, f.kernel.read() as tf.Tensor4D, f.bias?.read() ?? null, geometry, activation);
    } else {
      h = layer.apply(h, { training: true }) as tf.Tensor;
    }
  }
  return h;
}
