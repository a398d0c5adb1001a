// Jest's own summary ("Tests: 3 passed, 3 total") is not the plain closing line that a CI reader recognises in any
// runner's output; this reporter adds it after the run: "Tests: N passed, N failed" (", N skipped" when any were).
// It writes where jest's summary goes (stderr), so that it is the last line.
class ClosingLineReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `Tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`;
    process.stderr.write(`\n${line}\n`);
  }
}

module.exports = ClosingLineReporter;
