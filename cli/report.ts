import { BlkshpError, ERROR_CODES } from '../infra/errors.ts';
import { EXIT } from './exit-codes.ts';

/** Prints a user-safe message for any error and returns the exit code for it. */
export function reportError(error: unknown): number {
  if (error instanceof BlkshpError) {
    process.stderr.write(`blkshp: ${error.message} [${error.code}]\n`);
    for (const issue of error.issues) process.stderr.write(`  ${issue.field}: ${issue.message}\n`);
    switch (error.code) {
      case ERROR_CODES.invalidInput:
      case ERROR_CODES.configInvalid:
        return EXIT.usage;
      case ERROR_CODES.notFound:
        return EXIT.notFound;
      case ERROR_CODES.conflict:
        return EXIT.refused;
      case ERROR_CODES.engineUnavailable:
        return EXIT.unavailable;
      default:
        return EXIT.internal;
    }
  }
  if (error instanceof SyntaxError) {
    process.stderr.write(`blkshp: the spec file is not valid JSON (${error.message})\n`);
    return EXIT.usage;
  }
  process.stderr.write(`blkshp: unexpected error: ${(error as Error)?.message ?? String(error)}\n`);
  return EXIT.internal;
}
