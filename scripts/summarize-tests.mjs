// Prints one closing line over every runner's JSON report: "N passed, N failed, N skipped".
import fs from "node:fs";

let passed = 0, failed = 0, skipped = 0;
const read = (f) => (fs.existsSync(f) ? JSON.parse(fs.readFileSync(f, "utf8")) : null);
for (const f of ["test-results/vitest-embedded.json", "test-results/vitest-external.json", "test-results/vitest-fuzz.json"]) {
  const r = read(f);
  if (!r) continue;
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + (r.numTodoTests ?? 0);
}
const e2e = read("test-results/e2e-results.json");
if (e2e) {
  passed += e2e.stats.expected + e2e.stats.flaky;
  failed += e2e.stats.unexpected;
  skipped += e2e.stats.skipped;
}
console.log(`\nall suites: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed ? 1 : 0);
