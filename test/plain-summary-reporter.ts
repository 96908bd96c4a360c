/**
 * Prints a plain closing summary after Vitest's own report: one `FAILED` line per failed test
 * with the first line of its error, then `Tests: N passed, N failed, N skipped`. CI keeps only
 * the tail of a log, so the reason for a failure has to be there, not a screen above.
 */
import type { Reporter, SerializedError, TestModule } from 'vitest/node';

const MAX_REASON = 400;

export default class PlainSummaryReporter implements Reporter {
  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
  ): void {
    // An unhandled error fails the run even when every test passed.
    const counts = { passed: 0, failed: unhandledErrors.length, skipped: 0 };
    const failures: string[] = unhandledErrors.map((e) => `FAILED (unhandled): ${reasonOf([e])}`);
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const result = test.result();
        if (result.state === 'passed') counts.passed++;
        else if (result.state === 'failed') {
          counts.failed++;
          failures.push(
            `FAILED ${module.relativeModuleId} > ${test.fullName}: ${reasonOf(result.errors)}`,
          );
        } else counts.skipped++;
      }
      // A file that failed to load has no tests to count but must still fail the line.
      if (module.state() === 'failed' && !module.children.size) {
        counts.failed++;
        failures.push(`FAILED ${module.relativeModuleId}: ${reasonOf(module.errors())}`);
      }
    }
    const lines = [
      ...failures,
      `Tests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`,
    ];
    process.stdout.write(`\n${lines.join('\n')}\n`);
  }
}

function reasonOf(errors: ReadonlyArray<SerializedError> | undefined): string {
  const first = errors?.[0];
  if (!first) return 'no error recorded';
  const text = `${first.name ?? 'Error'}: ${first.message ?? ''}`.replace(/\s+/g, ' ').trim();
  return text.length > MAX_REASON ? `${text.slice(0, MAX_REASON)}...` : text;
}
