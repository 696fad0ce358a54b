// Tests of the source queries themselves (no browser): what the bounded sources ship,
// run with SQL on the DuckDB file the reports read (BALANCE_SYNC_DB).
// Run with: BALANCE_SYNC_DB=<db> npm test
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openDatabase } from './harness.mjs';
import { REPO_DIR, REPORTS_DIR, SOURCE_DIR, databasePath } from '../scripts/reports_paths.mjs';

const skip = fs.existsSync(databasePath()) ? null : `no database at ${databasePath()} (set BALANCE_SYNC_DB)`;
if (skip) console.log(`# skipping the source tests: ${skip}`);

const PER_USER_CAP = 2000;
const BUDGET_MARKER = /select (\d+) as row_budget/;

const TRANSACTIONS_SQL = fs.readFileSync(path.join(SOURCE_DIR, 'transactions.sql'), 'utf8');

/** transactions.sql with its row budget replaced (the marker must be there exactly once). */
function transactionsWithBudget(budget) {
	assert.equal(TRANSACTIONS_SQL.match(new RegExp(BUDGET_MARKER, 'g'))?.length, 1, 'one row budget in transactions.sql');
	return budget === undefined
		? TRANSACTIONS_SQL
		: TRANSACTIONS_SQL.replace(BUDGET_MARKER, `select ${budget} as row_budget`);
}

let db;

describe('bounded sources', { skip: skip ?? false }, () => {
	before(async () => {
		db = await openDatabase();
	});

	after(() => db?.close());

	/** Per user: the rows shipped under `budget`, the user's transactions, and what orders users. */
	async function shippedPerUser(budget) {
		const shipped = transactionsWithBudget(budget);
		return db.rows(`
			with shipped as (${shipped}),
			shipped_counts as (select user_id, count(*) as shipped_count from shipped group by user_id)
			select
				users.user_id,
				coalesce(shipped_counts.shipped_count, 0)::integer as shipped_count,
				users.transaction_count::integer as transaction_count,
				users.has_overdraft,
			from (
				select user_id, sum(transaction_count) as transaction_count, bool_or(overdraft_count > 0) as has_overdraft
				from marts.users group by user_id having sum(transaction_count) > 0
			) as users
			left join shipped_counts using (user_id)
		`);
	}

	test('transactions: the real budget ships every transaction of a small data set', async (t) => {
		const total = await db.value('select count(*) from marts.transactions where user_id is not null');
		const budget = Number(TRANSACTIONS_SQL.match(BUDGET_MARKER)[1]);
		if (total > budget) return t.skip(`${total} transactions: over the ${budget}-row budget`);
		const shipped = await db.value(`select count(*) from (${transactionsWithBudget()})`);
		assert.equal(shipped, total);
	});

	test('transactions: under a small budget, whole users are shipped, overdrafts first', async () => {
		const total = await db.value('select count(*) from marts.transactions where user_id is not null');
		const budget = Math.max(1, Math.floor(total / 3));
		const users = await shippedPerUser(budget);
		const shippedUsers = users.filter((u) => u.shipped_count > 0);
		const shippedRows = shippedUsers.reduce((sum, u) => sum + u.shipped_count, 0);
		assert.ok(shippedUsers.length > 0, 'some users shipped');
		assert.ok(shippedUsers.length < users.length, 'some users left out: the budget binds');
		assert.ok(shippedRows <= budget, `${shippedRows} rows shipped for a budget of ${budget}`);
		// a user is shipped whole (up to the per-user cap) or not at all
		for (const user of users) {
			if (user.shipped_count === 0) continue;
			assert.equal(user.shipped_count, Math.min(user.transaction_count, PER_USER_CAP), `user ${user.user_id}`);
		}
		// no user with an overdraft is left out while a user without one is shipped
		const overdraftLeftOut = users.some((u) => u.has_overdraft && u.shipped_count === 0);
		const otherShipped = users.some((u) => !u.has_overdraft && u.shipped_count > 0);
		assert.ok(!(overdraftLeftOut && otherShipped), 'users with an overdraft come first');
	});
});

describe('dbt exposures', () => {
	test('each page has an exposure naming every mart and seed its sources read', () => {
		const marts = (sourceName) => {
			const file = path.join(SOURCE_DIR, `${sourceName}.sql`);
			return fs.existsSync(file)
				? [...fs.readFileSync(file, 'utf8').matchAll(/\b(?:marts|reference)\.([a-z_]+)/g)].map((m) => m[1])
				: [];
		};
		const yml = fs.readFileSync(path.join(REPO_DIR, 'models', 'marts', '_exposures.yml'), 'utf8');
		const exposures = new Map();
		for (const block of yml.split(/\n  - name: /).slice(1)) {
			const description = block.match(/description: "[^"]*\((reports\/pages\/[^)]+)\)/);
			assert.ok(description, `exposure without its page: ${block.slice(0, 40)}`);
			exposures.set(description[1], new Set([...block.matchAll(/ref\('([a-z_]+)'\)/g)].map((m) => m[1])));
		}
		const pagesDir = path.join(REPORTS_DIR, 'pages');
		const pages = fs
			.readdirSync(pagesDir, { recursive: true })
			.map(String)
			.filter((f) => f.endsWith('.md'));
		for (const page of pages) {
			const text = fs.readFileSync(path.join(pagesDir, page), 'utf8');
			const used = new Set([...text.matchAll(/balance_sync\.([a-z_]+)/g)].flatMap((m) => marts(m[1])));
			const key = `reports/pages/${page}`;
			if (used.size === 0) continue;
			assert.ok(exposures.has(key), `no exposure for ${key}`);
			assert.deepEqual([...exposures.get(key)].sort(), [...used].sort(), key);
		}
	});
});
