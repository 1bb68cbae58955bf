// Sums the three jest tiers into one plain closing line, and names every skipped test so a
// skipped suite (EventStoreDB without a server) is never mistaken for a passing one.
import { existsSync, readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;
const skippedNames = [];
for (const tier of ['unit', 'int', 'e2e']) {
  const file = `reports/${tier}.json`;
  if (!existsSync(file)) {
    console.error(`missing ${file}: the ${tier} tier did not run`);
    process.exit(1);
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
  for (const suite of report.testResults)
    for (const t of suite.assertionResults)
      if (t.status === 'pending' || t.status === 'skipped' || t.status === 'todo')
        skippedNames.push(`${tier}: ${t.ancestorTitles.concat(t.title).join(' › ')}`);
  console.log(`${tier}: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests} skipped`);
}
if (skippedNames.length > 0) {
  console.log(`skipped (${skippedNames.length}), not passed:`);
  for (const name of skippedNames) console.log(`  - ${name}`);
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
