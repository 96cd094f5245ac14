// runExperiment: the one entry point the worker, the CLI and tests use. Validates and fills the
// config (ConfigError on bad input), then runs the experiment with progress and cancellation.
import { resolveConfig, type ExperimentConfig, type ExperimentResult, type Resolved } from '../protocol';
import { checkpoint, type RunOptions } from './common';
import { runEnsembles } from './ensembles';
import { runInvertedVsStandard } from './invertedVsStandard';
import { runL2Equivalence } from './l2Equivalence';
import { runNetworkMask } from './networkMask';
import { runOverfitting } from './overfitting';
import { runVarianceShift } from './varianceShift';
import { runVariants } from './variants';

export async function runExperiment(config: ExperimentConfig, options: RunOptions = {}): Promise<ExperimentResult> {
  const resolved = resolveConfig(config) as Resolved<ExperimentConfig>;
  switch (resolved.experiment) {
    case 'overfitting':
      return runOverfitting(resolved, options);
    case 'ensembles':
      return runEnsembles(resolved, options);
    case 'l2-equivalence':
      return runL2Equivalence(resolved, options);
    default: {
      // The other experiments take well under a second: one checkpoint before, progress 1 after.
      await checkpoint(resolved.experiment, options);
      const result = runQuick(resolved);
      options.onProgress?.({ fraction: 1, label: 'done' });
      return result;
    }
  }
}

function runQuick(config: Resolved<ExperimentConfig>): ExperimentResult {
  switch (config.experiment) {
    case 'network-mask': return runNetworkMask(config);
    case 'inverted-vs-standard': return runInvertedVsStandard(config);
    case 'variants': return runVariants(config);
    case 'variance-shift': return runVarianceShift(config);
    default: throw new Error(`${config.experiment} is not a quick experiment`);
  }
}

export { CancelledError, type Progress, type RunOptions } from './common';
