// `dropout-lab train`: provided by the engine (src/engine/experiments); see issue #3.
import { UsageError } from './errors';

export async function runTrain(_argv: string[]): Promise<number> {
  throw new UsageError('train is not available in this build yet');
}
