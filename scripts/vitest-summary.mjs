// Prints the plain closing line CI reads ("vitest: N passed, N failed, N skipped"); vitest's own is padded and joined by " | ".
import { readFileSync } from "node:fs";
let report;
try {
  report = JSON.parse(readFileSync(process.argv[2] ?? ".vitest-report.json", "utf8"));
} catch (error) {
  console.log(`vitest: 0 passed, 1 failed (no report: ${error.code ?? error.message})`);
  process.exit(1);
}
const failed = report.numFailedTests + (report.numFailedTestSuites > 0 && report.numFailedTests === 0 ? report.numFailedTestSuites : 0);
console.log(`vitest: ${report.numPassedTests} passed, ${failed} failed, ${report.numPendingTests + report.numTodoTests} skipped`);
process.exit(report.success && failed === 0 && report.numTotalTests > 0 ? 0 : 1);
