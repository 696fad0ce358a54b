// `npm run sources`: run Evidence's source queries against the DuckDB file named
// by BALANCE_SYNC_DB.
//
// Evidence's DuckDB connector joins `filename` onto the source folder
// (path.join), so an absolute path cannot be given as is. We hand it the path
// relative to sources/balance_sync/ through Evidence's per-source env override
// EVIDENCE_SOURCE__<source>__<option>, which any absolute location survives.
//
// The file is read through a link named ledger.duckdb in a temporary folder:
// DuckDB names a file's catalog after the file, and the source queries say
// `marts.x`, which a database named marts.duckdb (or raw, main, system, ...)
// would make ambiguous. The loader and dbt attach the file under the same
// name, `ledger` (profiles.yml).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { REPORTS_DIR, SOURCE_DIR, SOURCE_NAME, databasePath } from './reports_paths.mjs';

const db = databasePath();
if (!fs.existsSync(db)) {
	console.error(
		`reports: database not found: ${db}\n` +
			'Set BALANCE_SYNC_DB to the DuckDB file built by the loader and `dbt build` ' +
			'(or build the default balance_sync.duckdb in the repo root first).'
	);
	process.exit(2);
}
console.log(`reports: reading ${db}`);
const linkDir = fs.mkdtempSync(path.join(os.tmpdir(), 'balance-sync-reports-'));
const link = path.join(linkDir, 'ledger.duckdb');
fs.symlinkSync(path.resolve(db), link);
if (fs.existsSync(`${db}.wal`)) fs.symlinkSync(path.resolve(`${db}.wal`), `${link}.wal`);
const relative = path.relative(SOURCE_DIR, link);

const env = { ...process.env, [`EVIDENCE_SOURCE__${SOURCE_NAME}__filename`]: relative };
const evidence = path.join(REPORTS_DIR, 'node_modules', '.bin', 'evidence');
const result = spawnSync(evidence, ['sources', ...process.argv.slice(2)], {
	cwd: REPORTS_DIR,
	env,
	stdio: 'inherit'
});
fs.rmSync(linkDir, { recursive: true, force: true });
if (result.error) {
	console.error(`reports: could not start Evidence (${result.error.message}); run \`npm ci\` in reports/ first`);
	process.exit(1);
}
process.exit(result.status ?? 1);
