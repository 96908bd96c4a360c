/**
 * Shared engine set-up for every integration test file: the Pulumi CLI is located (or built) once
 * here, and its directory is handed to the test workers through the environment so that no
 * worker runs the set-up script again.
 */
import { getEngine } from '../../infra/pulumi/engine.ts';

export default async function setup(): Promise<void> {
  const engine = await getEngine();
  process.env.BLKSHP_PULUMI_BIN_DIR = engine.binDir;
}
