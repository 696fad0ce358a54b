// Where things are: one place for the database path rule shared by the
// sources script, the serve script and the browser tests.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPORTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_DIR = path.resolve(REPORTS_DIR, '..');
export const SOURCE_NAME = 'balance_sync';
export const SOURCE_DIR = path.join(REPORTS_DIR, 'sources', SOURCE_NAME);
export const BUILD_DIR = path.join(REPORTS_DIR, 'build');

/**
 * The DuckDB file the reports read: BALANCE_SYNC_DB as dbt and the loader use it
 * (a relative path is taken from the repo root, where dbt runs), default
 * balance_sync.duckdb in the repo root.
 */
export function databasePath(env = process.env) {
	const given = env.BALANCE_SYNC_DB && env.BALANCE_SYNC_DB.trim() !== '' ? env.BALANCE_SYNC_DB : 'balance_sync.duckdb';
	return path.resolve(REPO_DIR, given);
}
