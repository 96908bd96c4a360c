/**
 * Prints how many resources (providers excluded) the property program declares for a spec under
 * Pulumi's mocks. Run in its own process: mocks are process-wide and would break the real engine
 * runs of the test that asks.
 *
 *   node --import tsx test/support/mock-resource-count.ts '<spec json>'
 */
import { parsePropertySpec } from '../../infra/properties/spec.ts';
import { runProgram } from '../unit/programs/harness.ts';

const parsed = parsePropertySpec(JSON.parse(process.argv[2] ?? '{}'));
if (!parsed.ok) {
  process.stderr.write(`${JSON.stringify(parsed.issues)}\n`);
  process.exit(2);
}
const run = await runProgram(parsed.spec);
const counted = run.resources.filter((r) => !r.type.startsWith('pulumi:'));
process.stdout.write(`${counted.length}\n`);
