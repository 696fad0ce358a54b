// Measures the reports against the DuckDB file named by BALANCE_SYNC_DB and prints the
// figures (no pass/fail: targets are read by a person):
//   - `npm run sources` and `npm run build` wall time (target: build <= 2 min on the sample);
//   - the size of the data shipped to viewers (build/data parquet), per source;
//   - per page, in a fresh browser (cold cache) and again (warm cache): time to first
//     contentful paint and time of the last change to the page, i.e. every query has
//     drawn (target: visible <= 3 s). Both are from navigation start, in the browser.
// Usage: BALANCE_SYNC_DB=/abs/db.duckdb node scripts/reports_benchmark.mjs [--no-build]
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { BUILD_DIR, REPORTS_DIR, databasePath } from './reports_paths.mjs';
import { PAGES, openPage, startBrowser, startSite } from '../tests/harness.mjs';

function timed(label, args) {
	const start = performance.now();
	const result = spawnSync('npm', ['run', '--silent', ...args], {
		cwd: REPORTS_DIR,
		stdio: ['ignore', 'ignore', 'pipe']
	});
	const seconds = (performance.now() - start) / 1000;
	if (result.status !== 0) {
		process.stderr.write(result.stderr);
		throw new Error(`${label} failed`);
	}
	console.log(`${label.padEnd(28)} ${seconds.toFixed(1)} s`);
	return seconds;
}

function filesUnder(dir) {
	if (!fs.existsSync(dir)) return [];
	return fs
		.readdirSync(dir, { withFileTypes: true, recursive: true })
		.filter((e) => e.isFile())
		.map((e) => path.join(e.parentPath ?? e.path, e.name));
}

console.log(`database: ${databasePath()} (${(fs.statSync(databasePath()).size / 1e6).toFixed(1)} MB)`);
if (!process.argv.includes('--no-build')) {
	timed('npm run sources', ['sources']);
	timed('npm run build', ['build']);
}

const parquet = filesUnder(path.join(BUILD_DIR, 'data')).filter((f) => f.endsWith('.parquet'));
let total = 0;
console.log('\nshipped data (build/data):');
for (const file of parquet.sort()) {
	const size = fs.statSync(file).size;
	total += size;
	console.log(`  ${path.basename(file).padEnd(34)} ${(size / 1024).toFixed(1).padStart(9)} KB`);
}
console.log(`  ${'total'.padEnd(34)} ${(total / 1e6).toFixed(2).padStart(9)} MB`);
const site = filesUnder(BUILD_DIR).reduce((sum, f) => sum + fs.statSync(f).size, 0);
console.log(`whole site (build/, incl. the DuckDB-WASM engine): ${(site / 1e6).toFixed(1)} MB`);

const server = await startSite();
const { browser } = await startBrowser();
console.log(`\n${'page'.padEnd(30)}cold paint  cold drawn  warm paint  warm drawn   (seconds)`);
try {
	for (const page of PAGES) {
		const figures = [];
		// cold: a new browser context has an empty cache; warm: the same context again
		const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, timezoneId: 'UTC' });
		// the time of the last change to the page, read once it has settled
		await context.addInitScript(() => {
			window.__lastChange = 0;
			new MutationObserver(() => (window.__lastChange = performance.now())).observe(document, {
				subtree: true,
				childList: true,
				characterData: true
			});
		});
		for (let run = 0; run < 2; run++) {
			const { page: tab, problems } = await openPage(context, server.base + page);
			const [paint, drawn] = await tab.evaluate(() => [
				performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
				window.__lastChange
			]);
			figures.push((paint / 1000).toFixed(2), (drawn / 1000).toFixed(2));
			if (problems.length) console.log(`  ${page}: ${problems.join('; ')}`);
			await tab.close();
		}
		await context.close();
		console.log(`${page.padEnd(30)}${figures.map((f) => f.padStart(10)).join('  ')}`);
	}
} finally {
	await browser.close();
	server.stop();
}
