// Browser tests of the static reports: every page renders with data and no console
// error; filters, sort, search and CSV downloads agree with SQL on the same DuckDB
// file; a user page opens from the users table; no request leaves 127.0.0.1.
// Run with: BALANCE_SYNC_DB=<db> npm test  (after `npm run sources && npm run build`).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
	bigValue,
	chooseDropdown,
	columnValues,
	dataTable,
	downloadCsv,
	missingPrerequisite,
	openDatabase,
	openPage,
	settle,
	shipped,
	PAGES,
	startBrowser,
	startSite
} from './harness.mjs';
import { BUILD_DIR } from '../scripts/reports_paths.mjs';

// the large tables hold the first rows of their query (the rest: the page's CSV download)
const TABLE_CAP = 1000;

/**
 * Label -> code of one kind of code (issue_type, anomaly_type, ...): tables show labels
 * (and their CSV holds what they show); SQL and the page's full CSV keep the codes.
 */
async function codesByLabel(codeType) {
	const rows = await db.rows(`select label, code from ${shipped('labels')} where code_type = '${codeType}'`);
	const map = new Map(rows.map((r) => [r.label, r.code]));
	return (label) => map.get(label) ?? label;
}

const skip = missingPrerequisite();
if (skip) console.log(`# skipping the browser tests: ${skip}`);

let site;
let browser;
let db;

describe('reports in a headless browser', { skip: skip ?? false }, () => {
	before(async () => {
		site = await startSite();
		browser = await startBrowser();
		db = await openDatabase();
	});

	after(async () => {
		await browser?.browser.close();
		site?.stop();
		db?.close();
	});

	test('the serve script prints the 127.0.0.1 address it listens on', () => {
		assert.match(site.printed(), new RegExp(`Reports: ${site.base}/`));
	});

	for (const path of PAGES) {
		test(`${path} renders with data and no console error`, async () => {
			const { page, problems } = await openPage(browser.context, site.base + path);
			assert.deepEqual(problems, []);
			const title = await page.locator('h1').first().innerText();
			assert.ok(title.length > 0, 'page has a title');
			if (path !== '/how-to-read/') {
				const cells = await page.locator('.table-container td').count();
				const charts = await page.locator('.chart, canvas').count();
				assert.ok(cells > 0 || charts > 0, `${path} shows no table cell and no chart`);
				const bigValues = await page.locator('p.text-sm + div').allInnerTexts();
				assert.ok(!bigValues.some((t) => /error/i.test(t)), `a KPI shows an error: ${bigValues}`);
			} else {
				assert.ok((await page.locator('table tr').count()) > 20, 'the glossary lists the figures');
			}
			assert.equal(await page.getByText(/Query Error|Error in Query|Binder Error|Parser Error/).count(), 0);
			await page.close();
		});
	}

	test('overview KPIs equal the marts', async () => {
		const { page, problems } = await openPage(browser.context, `${site.base}/`);
		assert.equal(await bigValue(page, 'Transactions'), await db.value('select count(*) from marts.transactions'));
		assert.equal(await bigValue(page, 'Users'), await db.value('select count(*) from marts.users'));
		assert.equal(await bigValue(page, 'Overdrafts'), await db.value('select count(*) from marts.overdrafts'));
		assert.equal(await bigValue(page, 'Sync mismatches'), await db.value('select count(*) from marts.sync_mismatches'));
		// money per currency: one row per currency, never a cross-currency total
		const table = dataTable(page, 'currency_summary');
		const currencies = await columnValues(table, 'Currency');
		const expected = await db.rows('select distinct currency from marts.transactions');
		assert.deepEqual([...currencies].sort(), expected.map((r) => r.currency).sort());
		assert.deepEqual(problems, []);
		await page.close();
	});

	describe('log explorer', () => {
		let page;
		let problems;
		const events = shipped('log_events');
		const count = (where) => db.value(`select count(*) from ${events} where ${where}`);
		// the dropdowns show labels (the codes stay in SQL and CSV)
		const kindLabel = async (kind) =>
			(
				await db.rows(
					`select coalesce(max(label), '${kind}') as label from ${shipped('labels')}
					 where code_type = 'message_kind' and code = '${kind}'`
				)
			)[0].label;

		before(async () => {
			({ page, problems } = await openPage(browser.context, `${site.base}/log-explorer/`));
		});
		after(async () => {
			assert.deepEqual(problems, []);
			await page.close();
		});

		test('without filters it shows every shipped event', async () => {
			assert.equal(await bigValue(page, 'Matching events'), await count('true'));
		});

		test('level filter keeps exactly the events of that level, and All brings all back', async () => {
			await chooseDropdown(page, 'Level', 'ERROR');
			assert.equal(await bigValue(page, 'Matching events'), await count(`level = 'ERROR'`));
			const levels = await columnValues(dataTable(page, 'shown_events'), 'Level');
			assert.ok(levels.length > 0 && levels.every((l) => l === 'ERROR'), `levels shown: ${levels}`);
			await chooseDropdown(page, 'Level', 'All levels');
			assert.equal(await bigValue(page, 'Matching events'), await count('true'));
		});

		test('message kind filter and the CSV of the filtered rows match SQL', async () => {
			const [{ message_kind: kind }] = await db.rows(
				`select message_kind from ${events} where level = 'ERROR' group by 1 order by count(*) desc, 1 limit 1`
			);
			const label = await kindLabel(kind);
			await chooseDropdown(page, 'Message kind', label);
			const expected = await db.rows(`select source_file, line_number from ${events} where message_kind = '${kind}'`);
			assert.equal(await bigValue(page, 'Matching events'), expected.length);
			const csv = await downloadCsv(page, page.getByRole('button', { name: 'Download all matching events (CSV)' }));
			assert.match(csv.name, /\.csv$/);
			assert.equal(csv.rows.length, expected.length);
			assert.ok(csv.rows.every((r) => r.message_kind === kind));
			const key = (r) => `${r.source_file}#${r.line_number}`;
			assert.deepEqual(csv.rows.map(key).sort(), expected.map(key).sort());
			await chooseDropdown(page, 'Message kind', 'All kinds');
		});

		test("user filter keeps that user's events", async () => {
			const [{ user_id: user }] = await db.rows(
				`select user_id from ${events} where user_id is not null group by 1 order by count(*) desc, 1 limit 1`
			);
			// a text input, not a list of every user (tens of thousands at 1 GB of logs)
			const input = page.getByPlaceholder('a user id (exact)');
			await input.fill(` ${user} `);
			await settle(page);
			assert.equal(await bigValue(page, 'Matching events'), await count(`user_id = '${user}'`));
			const users = await columnValues(dataTable(page, 'shown_events'), 'User');
			assert.ok(users.length > 0 && users.every((u) => u === user), `users shown: ${users}`);
			await input.fill('');
			await settle(page);
			assert.equal(await bigValue(page, 'Matching events'), await count('true'));
		});

		test('overdraft buttons split the events as is_overdraft does', async () => {
			await page.getByRole('button', { name: 'Overdraft events', exact: true }).click();
			await settle(page);
			assert.equal(await bigValue(page, 'Matching events'), await count('is_overdraft'));
			await page.getByRole('button', { name: 'Others', exact: true }).click();
			await settle(page);
			assert.equal(await bigValue(page, 'Matching events'), await count('not is_overdraft'));
			await page.getByRole('button', { name: 'All', exact: true }).first().click();
			await settle(page);
			assert.equal(await bigValue(page, 'Matching events'), await count('true'));
		});

		test('text search matches message text case-insensitively, quotes included', async () => {
			const input = page.getByPlaceholder('text, id, amount…');
			const [{ request_id: requestId }] = await db.rows(
				`select request_id from ${events} where request_id is not null and message ilike '%' || request_id || '%'
				 order by source_file, line_number limit 1`
			);
			await input.fill(requestId.toUpperCase());
			await settle(page);
			assert.equal(
				await bigValue(page, 'Matching events'),
				await count(`contains(lower(message), lower('${requestId}'))`)
			);
			await input.fill("it's");
			await settle(page);
			assert.equal(await bigValue(page, 'Matching events'), await count(`contains(lower(message), 'it''s')`));
			await input.fill('');
			await settle(page);
			assert.equal(await bigValue(page, 'Matching events'), await count('true'));
		});

		test('the sort choice orders all matching events, as ORDER BY does', async () => {
			await page.reload();
			await settle(page);
			await chooseDropdown(page, 'Sort', 'File and line');
			const table = dataTable(page, 'shown_events');
			const [first] = await db.rows(
				`select source_file, line_number from ${events} order by source_file, line_number limit 1`
			);
			assert.equal((await columnValues(table, 'File'))[0], first.source_file);
			assert.equal(Number((await columnValues(table, 'Line'))[0].replace(/,/g, '')), Number(first.line_number));
			await chooseDropdown(page, 'Sort', 'Oldest first');
			const [oldest] = await db.rows(`select strftime(min(logged_at), '%Y-%m-%d %H:%M:%S') as t from ${events}`);
			assert.ok((await columnValues(table, 'When (UTC)'))[0].startsWith(oldest.t));
			await chooseDropdown(page, 'Sort', 'Newest first');
		});

		test('clicking a column title sorts the rows shown', async () => {
			const table = dataTable(page, 'shown_events');
			const header = table.locator('th[role=columnheader]', { hasText: /^\s*Line\s*$/ });
			const shownLines = `select line_number from ${events} order by logged_at desc, source_file desc, line_number desc limit 250`;
			await header.click();
			await settle(page);
			const ascending = (await columnValues(table, 'Line')).map((v) => Number(v.replace(/,/g, '')));
			assert.equal(ascending[0], await db.value(`select min(line_number) from (${shownLines})`));
			assert.deepEqual(
				ascending,
				[...ascending].sort((a, b) => a - b)
			);
			await header.click();
			await settle(page);
			const descending = (await columnValues(table, 'Line')).map((v) => Number(v.replace(/,/g, '')));
			assert.equal(descending[0], await db.value(`select max(line_number) from (${shownLines})`));
		});

		test('date range keeps the events of the chosen UTC days', async () => {
			await page.getByRole('button', { name: /\w{3} \d{1,2}, \d{4} - / }).click();
			const cells = page.locator('[data-melt-calendar-cell]:not([data-outside-month]):not([data-disabled])');
			await cells.first().waitFor();
			const days = await cells.evaluateAll((els) => els.map((e) => e.getAttribute('data-value')));
			assert.ok(days.length >= 2, `calendar shows days: ${days}`);
			const [start, end] = [days[0], days[Math.min(9, days.length - 1)]];
			await cells.nth(0).click();
			await cells.nth(days.indexOf(end)).click();
			await page.keyboard.press('Escape');
			await settle(page);
			assert.equal(
				await bigValue(page, 'Matching events'),
				await count(`logged_at >= date '${start}' and logged_at < date '${end}' + interval 1 day`)
			);
		});
	});

	describe('users', () => {
		let page;
		let problems;
		const count = (where) => db.value(`select count(*) from marts.users where ${where}`);

		before(async () => {
			({ page, problems } = await openPage(browser.context, `${site.base}/users/`));
		});
		after(async () => {
			assert.deepEqual(problems, []);
			await page.close();
		});

		test('currency and issue filters select the users SQL selects', async () => {
			assert.equal(await bigValue(page, 'Users shown'), await count('true'));
			const [{ currency }] = await db.rows(
				'select currency from marts.users group by 1 order by count(*) desc, 1 limit 1'
			);
			await chooseDropdown(page, 'Currency', currency);
			assert.equal(await bigValue(page, 'Users shown'), await count(`currency = '${currency}'`));
			await chooseDropdown(page, 'Has issue', 'Sync mismatch');
			assert.equal(
				await bigValue(page, 'Users shown'),
				await count(`currency = '${currency}' and sync_mismatch_count > 0`)
			);
			const csv = await downloadCsv(page, page.getByRole('button', { name: 'Download all matching users (CSV)' }));
			const expected = await db.rows(
				`select user_id from marts.users where currency = '${currency}' and sync_mismatch_count > 0`
			);
			assert.deepEqual(csv.rows.map((r) => r.user_id).sort(), expected.map((r) => r.user_id).sort());
			assert.ok(csv.rows.every((r) => r.currency === currency));
			await chooseDropdown(page, 'Currency', 'All currencies');
			await chooseDropdown(page, 'Has issue', 'All users');
			assert.equal(await bigValue(page, 'Users shown'), await count('true'));
		});

		test('sorting by transactions puts the smallest, then the largest first', async () => {
			const table = dataTable(page, 'user_rows');
			const header = table.locator('th[role=columnheader]', { hasText: /^\s*Transactions\s*$/ });
			await header.click();
			await settle(page);
			// the table holds the first 1,000 users in the page's order (all of them on a small data set)
			const held = `(select * from marts.users order by last_seen_at desc, user_id limit ${TABLE_CAP})`;
			const first = Number((await columnValues(table, 'Transactions'))[0].replace(/,/g, ''));
			assert.equal(first, await db.value(`select min(transaction_count) from ${held}`));
			await header.click();
			await settle(page);
			const top = Number((await columnValues(table, 'Transactions'))[0].replace(/,/g, ''));
			assert.equal(top, await db.value(`select max(transaction_count) from ${held}`));
		});

		test('the user id filter finds any user, and the table search finds a user it holds', async () => {
			const table = dataTable(page, 'user_rows');
			// the filter searches every user (the table holds at most 1,000): the least recently seen
			const [{ user_id: user }] = await db.rows(
				'select user_id from marts.users order by last_seen_at nulls first, user_id desc limit 1'
			);
			const filter = page.getByPlaceholder('part of a user id');
			await filter.fill(user.slice(2, -2));
			await settle(page);
			assert.equal(await bigValue(page, 'Users shown'), await count(`contains(user_id, '${user.slice(2, -2)}')`));
			assert.ok((await columnValues(table, 'User')).includes(user), 'the user is listed');
			await filter.fill('');
			await settle(page);
			assert.equal(await bigValue(page, 'Users shown'), await count('true'));
			const [{ user_id: held }] = await db.rows(
				`select user_id from (select * from marts.users order by last_seen_at desc, user_id limit ${TABLE_CAP})
				 order by user_id desc limit 1`
			);
			await table.getByPlaceholder('Search').fill(held);
			await page.waitForTimeout(600);
			await settle(page);
			assert.equal((await columnValues(table, 'User'))[0], held);
			await table.getByPlaceholder('Search').fill('');
			await page.waitForTimeout(600);
		});

		test("a row opens that user's page with their transactions", async () => {
			const table = dataTable(page, 'user_rows');
			const user = (await columnValues(table, 'User'))[0];
			await table.locator('tr:has(td)').first().click();
			await page.waitForURL(`**/users/${user}/`);
			await settle(page);
			assert.match(await page.locator('article').innerText(), new RegExp(user));
			const expected = await db.value(`select transaction_count from marts.users where user_id = '${user}'`);
			assert.equal(await bigValue(page, 'Transactions'), expected);
			// the transactions source ships whole users within a row budget: the page shows what
			// was shipped, and says so when that is not all of the user's transactions
			const shippedCount = await db.value(`select count(*) from ${shipped('transactions')} where user_id = '${user}'`);
			const rows = await dataTable(page, 'user_transactions').locator('tr:has(td)').count();
			assert.equal(rows, Math.min(shippedCount, 20));
			assert.equal(await page.locator('#coverage-note').count(), shippedCount < expected ? 1 : 0);
			if (shippedCount > 0) assert.ok((await page.locator('.chart, canvas').count()) > 0, 'balance timeline drawn');
		});
	});

	test('a user page opened directly renders with no console error', async () => {
		const [{ user_id: user, n }] = await db.rows(
			`select user_id, count(*) as n from ${shipped('reconciliation_issues')} group by 1 order by 2 desc, 1 limit 1`
		);
		const { page, problems } = await openPage(browser.context, `${site.base}/users/${user}/`);
		const issues = await dataTable(page, 'user_issues').locator('tr:has(td)').count();
		assert.equal(issues, Math.min(Number(n), 20));
		// the user's issues as shipped (the newest 100,000 of all users), with a note when
		// the mart holds more of them; the monthly roll-forward, against the marts
		const martIssues = await db.value(`select count(*) from marts.reconciliation_issues where user_id = '${user}'`);
		assert.equal(await page.locator('#issue-coverage-note').count(), Number(n) < martIssues ? 1 : 0);
		const issueCode = await codesByLabel('issue_type');
		const issueCsv = await downloadCsv(page, dataTable(page, 'user_issues'));
		for (const row of issueCsv.rows) row.issue_type = issueCode(row.issue_label);
		const expectedIssues = await db.rows(
			`select issue_type, count(*) as n from ${shipped('reconciliation_issues')} where user_id = '${user}' group by 1`
		);
		const countBy = (rows) => rows.reduce((acc, r) => ({ ...acc, [r.issue_type]: (acc[r.issue_type] ?? 0) + 1 }), {});
		assert.deepEqual(
			countBy(issueCsv.rows),
			Object.fromEntries(expectedIssues.map((r) => [r.issue_type, Number(r.n)]))
		);
		const months = await downloadCsv(page, dataTable(page, 'user_months'));
		const expectedMonths = await db.rows(
			`select currency, strftime(balance_month, '%Y-%m') as month, coalesce(closing_balance::double, 0) as closing,
			        coalesce(unexplained_difference::double, 0) as diff
			 from marts.monthly_balances where user_id = '${user}'`
		);
		assert.equal(months.rows.length, expectedMonths.length);
		const key = (r) => `${r.currency}/${r.month ?? String(r.balance_month).slice(0, 7)}`;
		assert.deepEqual(months.rows.map(key).sort(), expectedMonths.map(key).sort());
		for (const want of expectedMonths) {
			const row = months.rows.find((r) => key(r) === key(want));
			assert.ok(Math.abs(Number(row.closing_balance || 0) - want.closing) < 1e-6, `closing ${key(want)}`);
			assert.ok(Math.abs(Number(row.unexplained_difference || 0) - want.diff) < 1e-6, `difference ${key(want)}`);
		}
		assert.deepEqual(problems, []);
		await page.close();
	});

	test('reconciliation filters and CSV match the issue rows SQL gives', async () => {
		const { page, problems } = await openPage(browser.context, `${site.base}/reconciliation/`);
		const issues = shipped('reconciliation_issues');
		const [{ issue_type: type }] = await db.rows(
			`select issue_type from ${issues} group by 1 order by count(*), 1 limit 1`
		);
		// with every issue type the table holds the first 1,000 issues, and says so when there are more
		const all = await db.value(`select count(*) from ${issues}`);
		const note = page.getByText(/The table holds the first 1,000 of [\d,]+ matching issues/);
		assert.equal(await note.count(), all > TABLE_CAP ? 1 : 0);
		if (all > TABLE_CAP) assert.match(await note.innerText(), new RegExp(all.toLocaleString('en-US')));
		const held = await downloadCsv(page, dataTable(page, 'issue_rows'));
		assert.equal(held.rows.length, Math.min(all, TABLE_CAP));
		const [{ label }] = await db.rows(
			`select coalesce(max(label), '${type}') as label from ${shipped('labels')}
			 where code_type = 'issue_type' and code = '${type}'`
		);
		await chooseDropdown(page, 'Issue type', label);
		const csv = await downloadCsv(page, page.getByRole('button', { name: 'Download all matching issues (CSV)' }));
		const expected = await db.rows(`select transaction_id from ${issues} where issue_type = '${type}'`);
		assert.equal(csv.rows.length, expected.length);
		assert.ok(csv.rows.every((r) => r.issue_type === type));
		assert.deepEqual(
			csv.rows.map((r) => r.transaction_id).sort(),
			expected.map((r) => String(r.transaction_id)).sort()
		);
		assert.deepEqual(problems, []);
		await page.close();
	});

	describe('reconciliation: accounting marts', () => {
		// the Reconciliation page and its two sub-pages, each opened once for its tests
		const opened = new Map();
		const near = (a, b) => Math.abs(Number(a) - Number(b)) < 1e-6;
		async function at(pagePath) {
			if (!opened.has(pagePath)) opened.set(pagePath, await openPage(browser.context, `${site.base}${pagePath}`));
			return opened.get(pagePath).page;
		}
		after(async () => {
			for (const { page, problems } of opened.values()) {
				assert.deepEqual(problems, []);
				await page.close();
			}
		});

		test('issues by type and currency equal marts.reconciliation_issues', async () => {
			const page = await at('/reconciliation/');
			const csv = await downloadCsv(page, dataTable(page, 'issue_matrix'));
			const issueCode = await codesByLabel('issue_type');
			for (const row of csv.rows) row.issue_type = issueCode(row.issue_label);
			const expected = await db.rows(
				`select issue_type, coalesce(currency, '(unknown)') as currency, count(*) as n,
				        sum(amount_at_stake)::double as stake
				 from marts.reconciliation_issues group by all`
			);
			assert.ok(expected.length > 0, 'the mart has issues');
			const key = (r) => `${r.issue_type}/${r.currency}`;
			assert.deepEqual(csv.rows.map(key).sort(), expected.map(key).sort());
			const byKey = new Map(expected.map((r) => [key(r), r]));
			for (const row of csv.rows) {
				const want = byKey.get(key(row));
				assert.equal(Number(row.issue_count), Number(want.n), key(row));
				// a group whose amounts are all unknown sums to null (the CSV says "null" or nothing)
				const stake = row.amount_at_stake === 'null' ? '' : row.amount_at_stake;
				assert.ok(near(stake || 0, want.stake ?? 0), `${key(row)}: ${row.amount_at_stake} vs ${want.stake}`);
			}
		});

		test('roll-forward per currency equals marts.monthly_balances', async () => {
			const page = await at('/reconciliation/roll-forward/');
			const csv = await downloadCsv(page, dataTable(page, 'rollforward_by_currency_shown'));
			const expected = await db.rows(
				`select currency, count(*) as months,
				        count(*) filter (where has_unexplained_difference) as bad,
				        count(distinct user_id) filter (where has_unexplained_difference) as users,
				        coalesce(sum(unexplained_difference) filter (where has_unexplained_difference), 0)::double as net,
				        coalesce(sum(abs(unexplained_difference)) filter (where has_unexplained_difference), 0)::double as size
				 from marts.monthly_balances group by all`
			);
			assert.ok(expected.length > 0, 'the mart has months');
			assert.deepEqual(csv.rows.map((r) => r.currency).sort(), expected.map((r) => r.currency).sort());
			for (const want of expected) {
				const row = csv.rows.find((r) => r.currency === want.currency);
				assert.equal(Number(row.month_count), Number(want.months), want.currency);
				assert.equal(Number(row.unexplained_month_count), Number(want.bad), want.currency);
				assert.equal(Number(row.unexplained_user_count), Number(want.users), want.currency);
				assert.ok(near(row.unexplained_net || 0, want.net), `${want.currency}: ${row.unexplained_net} vs ${want.net}`);
				assert.ok(
					near(row.unexplained_abs || 0, want.size),
					`${want.currency}: ${row.unexplained_abs} vs ${want.size}`
				);
			}
		});

		test('roll-forward currency filter lists the months with a difference SQL lists', async (t) => {
			const page = await at('/reconciliation/roll-forward/');
			const [choice] = await db.rows(
				`select currency from marts.monthly_balances where has_unexplained_difference
				 group by 1 order by count(*), 1 limit 1`
			);
			if (!choice) return t.skip('no month with an unexplained difference');
			await chooseDropdown(page, 'Roll-forward currency', choice.currency);
			const csv = await downloadCsv(
				page,
				page.getByRole('button', { name: 'Download all matching user-months (CSV)' })
			);
			const expected = await db.rows(
				`select user_id, strftime(balance_month, '%Y-%m') as month, unexplained_difference::double as diff
				 from marts.monthly_balances
				 where has_unexplained_difference and currency = '${choice.currency}'`
			);
			assert.equal(csv.rows.length, expected.length);
			assert.ok(csv.rows.every((r) => r.currency === choice.currency));
			const key = (r) => `${r.user_id}/${r.month ?? String(r.balance_month).slice(0, 7)}`;
			assert.deepEqual(csv.rows.map(key).sort(), expected.map(key).sort());
			const diffs = new Map(expected.map((r) => [key(r), r.diff]));
			for (const row of csv.rows) assert.ok(near(row.unexplained_difference, diffs.get(key(row))), key(row));
			await chooseDropdown(page, 'Roll-forward currency', 'All currencies');
			await settle(page);
		});

		test('anomalies by type and currency equal marts.anomalies', async () => {
			const page = await at('/reconciliation/anomalies/');
			const csv = await downloadCsv(page, dataTable(page, 'anomaly_by_type'));
			const anomalyCode = await codesByLabel('anomaly_type');
			for (const row of csv.rows) row.anomaly_type = anomalyCode(row.anomaly_label);
			const expected = await db.rows(
				`select anomaly_type, coalesce(currency, '(none)') as currency, count(*) as n,
				        count(distinct user_id) as users
				 from marts.anomalies group by all`
			);
			const key = (r) => `${r.anomaly_type}/${r.currency}`;
			assert.deepEqual(csv.rows.map(key).sort(), expected.map(key).sort());
			for (const want of expected) {
				const row = csv.rows.find((r) => key(r) === key(want));
				assert.equal(Number(row.anomaly_count), Number(want.n), key(want));
				assert.equal(Number(row.user_count), Number(want.users), key(want));
			}
		});

		test('anomaly type filter and CSV list the anomalies SQL lists, with details', async (t) => {
			const page = await at('/reconciliation/anomalies/');
			const [choice] = await db.rows(
				`select anomaly_type from ${shipped('anomalies')} group by 1 order by count(*), 1 limit 1`
			);
			if (!choice) return t.skip('no anomalies in this database');
			await chooseDropdown(page, 'Anomaly type', choice.anomaly_type);
			const csv = await downloadCsv(page, page.getByRole('button', { name: 'Download all matching anomalies (CSV)' }));
			const expected = await db.rows(
				`select transaction_id, details
				 from ${shipped('anomalies')} where anomaly_type = '${choice.anomaly_type}'`
			);
			assert.equal(csv.rows.length, expected.length);
			assert.ok(csv.rows.every((r) => r.anomaly_type === choice.anomaly_type));
			// the CSV writes a missing value as empty or as "null" (day-level anomalies have no transaction)
			const id = (v) => (v == null || v === 'null' ? '' : String(v));
			const key = (r) => `${id(r.transaction_id)}|${r.details}`;
			assert.deepEqual(csv.rows.map(key).sort(), expected.map(key).sort());
			await chooseDropdown(page, 'Anomaly type', 'All anomaly types');
			await settle(page);
		});
	});

	test('sync mismatch currency filter matches SQL', async () => {
		const { page, problems } = await openPage(browser.context, `${site.base}/sync-mismatches/`);
		const [{ currency }] = await db.rows(
			`select currency from marts.sync_mismatches where currency is not null group by 1 order by count(*), 1 limit 1`
		);
		await chooseDropdown(page, 'Currency', currency);
		const csv = await downloadCsv(
			page,
			page.getByRole('button', { name: 'Download all matching sync mismatches (CSV)' })
		);
		assert.equal(
			csv.rows.length,
			await db.value(`select count(*) from ${shipped('sync_mismatches')} where currency = '${currency}'`)
		);
		assert.ok(csv.rows.every((r) => r.currency === currency));
		assert.deepEqual(problems, []);
		await page.close();
	});

	test('overdraft CSV holds every overdraft', async () => {
		const { page, problems } = await openPage(browser.context, `${site.base}/overdrafts/`);
		const csv = await downloadCsv(page, page.getByRole('button', { name: 'Download these overdrafts (CSV)' }));
		const expected = await db.rows('select transaction_id from marts.overdrafts');
		assert.deepEqual(csv.rows.map((r) => r.transaction_id).sort(), expected.map((r) => r.transaction_id).sort());
		// the table holds the first of them, and says so when there are more
		const held = await downloadCsv(page, dataTable(page, 'overdraft_rows'));
		assert.equal(held.rows.length, Math.min(expected.length, TABLE_CAP));
		const note = page.getByText(/The table holds the first 1,000 of [\d,]+ matching overdrafts/);
		assert.equal(await note.count(), expected.length > TABLE_CAP ? 1 : 0);
		assert.deepEqual(problems, []);
		await page.close();
	});

	test('the exact reconciliation summary and the issue list count the same issues', async (t) => {
		// both sources read marts.reconciliation_issues (one bounded, one aggregated): they must agree
		const shippedIssues = await db.value(`select count(*) from ${shipped('reconciliation_issues')}`);
		if (shippedIssues >= 100000) return t.skip('issue list is at its 100,000-row bound');
		const list = await db.rows(
			`select issue_type, currency, count(*)::bigint as n from ${shipped('reconciliation_issues')} group by all`
		);
		const summary = await db.rows(
			`select issue_type, currency, sum(issue_count)::bigint as n from ${shipped('reconciliation_summary')}
			 group by all`
		);
		const key = (r) => `${r.issue_type}/${r.currency ?? '(unknown)'}=${r.n}`;
		assert.deepEqual(list.map(key).sort(), summary.map(key).sort());
	});

	test('the shipped data holds no e-mail address or international phone number', async () => {
		const files = fs
			.readdirSync(path.join(BUILD_DIR, 'data'), { recursive: true })
			.filter((f) => String(f).endsWith('.parquet'))
			.map((f) => path.join(BUILD_DIR, 'data', String(f)));
		assert.ok(files.length >= 10, `parquet files shipped: ${files.length}`);
		for (const file of files) {
			const hits = await db.rows(
				`select cast(t as varchar) as row from read_parquet('${file.replaceAll("'", "''")}') as t
				 where regexp_matches(cast(t as varchar), '[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\\.[A-Za-z]{2,}|\\+[0-9]{9,15}\\b')
				 limit 3`
			);
			assert.deepEqual(hits, [], `personal data in ${path.basename(file)}`);
		}
	});

	test('no request left 127.0.0.1', () => {
		assert.ok(browser.requests.length > 50, `recorded ${browser.requests.length} requests`);
		const outside = browser.requests.filter((url) => {
			if (url.startsWith('data:') || url.startsWith('blob:')) return false;
			return new URL(url).hostname !== '127.0.0.1';
		});
		assert.deepEqual(outside, []);
	});
});
