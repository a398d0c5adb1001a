// Jest's own summary ("Tests: 3 passed, 3 total") is not the plain closing line that a CI reader recognises in any
// runner's output; this reporter adds it: "Tests: N passed, N failed" (", N skipped" when any were).
// Jest runs its summary reporter after every configured one, so the line is written as jest exits, to be the last.
const fs = require('node:fs');

class ClosingLineReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    // A file that failed to run at all (a syntax error, a failing beforeAll with no test) counts as one failure.
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const line = `Tests: ${results.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
    process.once('exit', () => fs.writeSync(process.stdout.fd, `\n${line}\n`));
  }
}

module.exports = ClosingLineReporter;
