// Types shared by the panels and their callers (no `vscode` import).
//
// For the extension engineer: the "Visualize dropout" code lens calls
//   showNetworkPanel(context, spec)   (exported from ./index)
// with the user's model described as a NetworkModelSpec. Put the input layer first and the output
// layer last; `dropoutRate` on a layer is the rate of the dropout applied to that layer's outputs
// (ignored on the input and output layers, which the panel never drops). Layers may be large
// (e.g. 784 units): the drawing summarises them, the counts stay exact.

export interface NetworkLayerSpec {
  /** Short label shown under the layer, e.g. "fc1 (Linear)". */
  label: string;
  /** Number of units (neurons) in the layer, >= 1. */
  units: number;
  /** Dropout rate after this layer in the user's code, in [0, 1). */
  dropoutRate?: number;
}

export interface NetworkModelSpec {
  /** Model name shown as the panel heading, e.g. "Net (model.py)". */
  name: string;
  layers: NetworkLayerSpec[];
}

/** Limits applied to any model the panel receives (from code or from restored state). */
export const NETWORK_LIMITS = {
  maxLayers: 12,
  minLayers: 2,
  maxUnitsPerLayer: 8192,
  /**
   * DropConnect samples every weight in the extension host; above this many (about 0.1 s of
   * sampling on a busy 2-core machine) it is not offered, so the editor never stalls.
   */
  maxDropConnectWeights: 1 << 23,
  /** Rates the UI offers: 0–0.9. */
  maxRate: 0.9,
} as const;

/** The small default network drawn when no model is given. */
export const DEFAULT_NETWORK: NetworkModelSpec = {
  name: 'Example network',
  layers: [
    { label: 'input', units: 4 },
    { label: 'hidden 1', units: 6, dropoutRate: 0.5 },
    { label: 'hidden 2', units: 6, dropoutRate: 0.5 },
    { label: 'output', units: 2 },
  ],
};
