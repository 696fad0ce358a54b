// The users' tasks, each done the way a person does it in the browser (at most three
// steps on the page) and its answer checked against SQL on the marts:
// trace a request, find a day's failures and their reason, one user's sync mismatches as
// CSV, the money at stake in a currency, one currency's overdrafts in a month, the data-quality
// counts of events already known and cut blocks; and ids
// with quotes, a semicolon and ../ that reach queries and links.
// Run with: BALANCE_SYNC_DB=<db> npm test  (after `npm run sources && npm run build`).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { spawn } from 'node:child_process';
import {
	bigValue,
	chooseDropdown,
	dataTable,
	downloadCsv,
	missingPrerequisite,
	openDatabase,
	openPage,
	settle,
	shipped,
	startBrowser,
	startSite
} from './harness.mjs';
import { REPORTS_DIR } from '../scripts/reports_paths.mjs';

const skip = missingPrerequisite();
if (skip) console.log(`# skipping the task tests: ${skip}`);

// an id no log holds, with what breaks careless SQL and links: quotes, a semicolon, ../
const HOSTILE_ID = `it's "x"; drop table users; --../../etc/passwd`;

let site;
let browser;
let db;

/** Whole-source completeness: the page can only agree with the mart when the source ships every row. */
async function everyRowShipped(source, mart) {
	return (
		(await db.value(`select count(*) from ${shipped(source)}`)) === (await db.value(`select count(*) from ${mart}`))
	);
}

describe('users\u2019 tasks in a headless browser', { skip: skip ?? false }, () => {
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

	test('trace a request: RequestId filter, then its page with every event in full', async (t) => {
		// the request with the longest ERROR message (a stack trace), else the one with most events
		const [choice] = await db.rows(
			`select request_id from marts.log_events where request_id is not null
			 group by 1 order by max(case when level = 'ERROR' then length(message) else 0 end) desc, count(*) desc, 1 limit 1`
		);
		if (!choice) return t.skip('no request in this database');
		const id = choice.request_id;
		const own = await db.value(`select count(*) from marts.log_events where request_id = '${id}'`);
		const shippedOwn = await db.value(`select count(*) from ${shipped('log_events')} where request_id = '${id}'`);
		if (shippedOwn < own) return t.skip('the request is not wholly in the shipped events');

		// step 1: the log explorer's Request id filter
		const { page, problems } = await openPage(browser.context, `${site.base}/log-explorer/`);
		await page.getByPlaceholder('a request id (exact)').fill(id);
		await settle(page);
		assert.equal(await bigValue(page, 'Matching events'), own);
		assert.equal(await bigValue(page, 'Requests'), 1);

		// step 2: its link opens the request page
		await dataTable(page, 'shown_events').locator('a.request-link').first().click();
		await page.waitForURL(`**/requests/${encodeURIComponent(id)}/`);
		await settle(page);
		assert.equal(await page.locator('#request-id').innerText(), id);

		// every event of the invocation, and the lines its stream attributes to it, in time order
		const expected = await db.rows(
			`select events.source_file, events.line_number, events.message
			 from marts.log_events as events
			 left join marts.failures as failures on failures.failure_id = events.event_id
			 where events.request_id = '${id}' or (events.request_id is null and failures.request_id = '${id}')
			 order by events.logged_at, events.source_file, events.line_number`
		);
		const texts = await page.locator('[data-testid=event-list] pre.event-text').allTextContents();
		assert.deepEqual(
			texts,
			expected.map((r) => r.message),
			'full text of each event, in time order'
		);
		const csv = await downloadCsv(page, page.getByRole('button', { name: 'Download these events (CSV)' }));
		assert.deepEqual(
			csv.rows.map((r) => `${r.source_file}#${r.line_number}`),
			expected.map((r) => `${r.source_file}#${r.line_number}`)
		);
		assert.deepEqual(
			csv.rows.map((r) => r.message),
			expected.map((r) => r.message),
			'CSV messages are whole'
		);

		// duration, memory and cold start as marts.invocations has them
		const [invocation] = await db.rows(
			`select duration_ms::double as duration, max_memory_used_mb as memory, is_after_cold_start as cold
			 from marts.invocations where request_id = '${id}'`
		);
		if (invocation) {
			assert.ok(Math.abs((await bigValue(page, 'Duration (ms)')) - invocation.duration) < 0.01);
			assert.equal(await bigValue(page, 'Max memory used (MB)'), Number(invocation.memory));
			assert.match(
				await page.locator('#request-summary').innerText(),
				invocation.cold ? /Cold start/ : /Not a cold start/
			);
		}
		assert.deepEqual(problems, []);
		await page.close();
	});

	test("find a day's failures and their reason", async (t) => {
		const [day] = await db.rows(
			`select strftime(failure_date, '%Y-%m-%d') as day from marts.failures
			 group by 1 order by count(*) desc, 1 limit 1`
		);
		if (!day) return t.skip('no failure in this database');
		if (!(await everyRowShipped('failures', 'marts.failures'))) return t.skip('failures are past their bound');
		// step 1: open Operations: the day's failures by reason, with the day's counts
		const { page, problems } = await openPage(browser.context, `${site.base}/operations/`);
		assert.equal(
			await bigValue(page, 'Failed start-ups'),
			await db.value(`select count(*) from marts.failures where failure_kind = 'failed_init'`)
		);
		const perDay = await downloadCsv(page, dataTable(page, 'failure_days'));
		const expectedPerDay = await db.rows(
			`select strftime(failure_date, '%Y-%m-%d') as day, failure_reason, count(*) as n
			 from marts.failures group by all`
		);
		// the table's CSV holds the columns it shows (the kind by its label): day and reason
		const dayKey = (r) => `${String(r.failure_date ?? r.day).slice(0, 10)}|${r.failure_reason}`;
		const counts = new Map();
		for (const r of perDay.rows) counts.set(dayKey(r), (counts.get(dayKey(r)) ?? 0) + Number(r.failure_count));
		assert.deepEqual(
			Object.fromEntries([...counts].sort()),
			Object.fromEntries(expectedPerDay.map((r) => [dayKey(r), Number(r.n)]).sort())
		);
		// step 2: pick the day; step 3: its failure lines as CSV, with reason and invocation
		await chooseDropdown(page, 'Failure day', day.day);
		const csv = await downloadCsv(page, page.getByRole('button', { name: 'Download the failure lines (CSV)' }));
		const expected = await db.rows(
			`select source_file, line_number, failure_reason, coalesce(request_id, '') as request_id
			 from marts.failures where strftime(failure_date, '%Y-%m-%d') = '${day.day}'`
		);
		const key = (r) =>
			`${r.source_file}#${r.line_number}|${r.failure_reason}|${r.request_id === 'null' ? '' : r.request_id}`;
		assert.deepEqual(csv.rows.map(key).sort(), expected.map(key).sort());
		assert.deepEqual(problems, []);
		await page.close();
	});

	test("one user's sync mismatches as CSV", async (t) => {
		const [choice] = await db.rows(
			`select user_id from marts.sync_mismatches where user_id is not null group by 1 order by count(*) desc, 1 limit 1`
		);
		if (!choice) return t.skip('no sync mismatch in this database');
		if (!(await everyRowShipped('sync_mismatches', 'marts.sync_mismatches'))) return t.skip('past the bound');
		// step 1: the page; step 2: the user id; step 3: download
		const { page, problems } = await openPage(browser.context, `${site.base}/sync-mismatches/`);
		await page.getByPlaceholder('a user id (exact)').fill(choice.user_id);
		await settle(page);
		const csv = await downloadCsv(
			page,
			page.getByRole('button', { name: 'Download all matching sync mismatches (CSV)' })
		);
		const expected = await db.rows(
			`select transaction_id, difference::double as difference from marts.sync_mismatches where user_id = '${choice.user_id}'`
		);
		assert.equal(csv.rows.length, expected.length);
		assert.ok(csv.rows.every((r) => r.user_id === choice.user_id));
		const key = (r) => `${r.transaction_id}|${Number(r.difference).toFixed(6)}`;
		assert.deepEqual(csv.rows.map(key).sort(), expected.map(key).sort());
		assert.deepEqual(problems, []);
		await page.close();
	});

	test('money at stake in a currency: did we lose money?', async () => {
		const [{ currency }] = await db.rows(
			`select currency from marts.reconciliation_issues where currency is not null
			 group by currency order by (currency = 'SAR') desc, count(*) desc limit 1`
		);
		const [{ half }] = await db.rows(
			`select coalesce(max(0.5 / pow(10, minor_unit)), 0.005) as half from reference.currencies where currency_code = '${currency}'`
		);
		// step 1: the Reconciliation page; step 2: the currency
		const { page, problems } = await openPage(browser.context, `${site.base}/reconciliation/`);
		await chooseDropdown(page, 'Money in currency', currency);
		const [rollForward] = await db.rows(
			`select sum(unexplained_difference)::double as unexplained,
			        (sum(unexplained_difference) + sum(coalesce(opening_gap, 0)))::double as net
			 from marts.monthly_balances where currency = '${currency}'`
		);
		const near = (a, b) => Math.abs(Number(a) - Number(b)) <= Number(half) + 1e-9;
		assert.ok(near(await bigValue(page, 'Net unexplained change in balances'), rollForward.net));
		assert.ok(near(await bigValue(page, 'Roll-forward: unexplained difference'), rollForward.unexplained));
		// the parts add up to the net change
		const parts = await downloadCsv(page, dataTable(page, 'money_rollforward_lines'));
		assert.ok(
			near(
				parts.rows.reduce((sum, r) => sum + Number(r.signed_amount), 0),
				rollForward.net
			)
		);
		// each issue type (shown by its label): count and money at stake as marts.reconciliation_issues gives them
		const issues = await downloadCsv(page, dataTable(page, 'money_issue_lines'));
		const expected = await db.rows(
			`select coalesce(labels.label, issues.issue_type) as issue_type, count(*) as n,
			        coalesce(sum(amount_at_stake), 0)::double as stake
			 from marts.reconciliation_issues as issues
			 left join ${shipped('labels')} on labels.code_type = 'issue_type' and labels.code = issues.issue_type
			 where issues.currency = '${currency}' group by 1`
		);
		assert.deepEqual(issues.rows.map((r) => r.line_label).sort(), expected.map((r) => r.issue_type).sort());
		for (const want of expected) {
			const row = issues.rows.find((r) => r.line_label === want.issue_type);
			assert.equal(Number(row.item_count), Number(want.n), want.issue_type);
			assert.ok(Math.abs(Number(row.amount_at_stake || 0) - want.stake) < 1e-6, want.issue_type);
		}
		assert.deepEqual(problems, []);
		await page.close();
	});

	test('data quality: events already known, retired files and cut blocks are counted as the marts count them', async () => {
		const { page, problems } = await openPage(browser.context, `${site.base}/data-quality/`);
		const [files] = await db.rows(
			`select coalesce(sum(duplicate_event_count), 0)::bigint as known,
			        count(*) filter (where status = 'retired') as retired,
			        count(*) filter (where status = 'rejected') as rejected
			 from marts.source_files`
		);
		const [blocks] = await db.rows(`select count(*) as n from marts.transactions where missing_fields is not null`);
		assert.equal(await bigValue(page, 'Events already known (counted once)'), Number(files.known));
		assert.equal(await bigValue(page, 'Retired'), Number(files.retired));
		assert.equal(await bigValue(page, 'Rejected'), Number(files.rejected));
		assert.equal(await bigValue(page, 'Blocks with missing fields'), Number(blocks.n));
		assert.deepEqual(problems, []);
		await page.close();
	});

	test("one currency's overdrafts in a month", async (t) => {
		const [choice] = await db.rows(
			`select currency, strftime(occurred_at, '%Y-%m') as month from marts.overdrafts
			 where currency is not null and occurred_at is not null
			 group by currency, month order by (currency = 'SAR') desc, count(*) desc, month desc limit 1`
		);
		if (!choice) return t.skip('no overdraft in this database');
		// step 1: the page; step 2: the currency; step 3: the month
		const { page, problems } = await openPage(browser.context, `${site.base}/overdrafts/`);
		await chooseDropdown(page, 'Currency', choice.currency);
		await chooseDropdown(page, 'Month (UTC)', choice.month);
		const expected = await db.rows(
			`select transaction_id from marts.overdrafts
			 where currency = '${choice.currency}' and strftime(occurred_at, '%Y-%m') = '${choice.month}'`
		);
		assert.equal(await bigValue(page, 'Overdrafts'), expected.length);
		const csv = await downloadCsv(page, page.getByRole('button', { name: 'Download these overdrafts (CSV)' }));
		assert.deepEqual(csv.rows.map((r) => r.transaction_id).sort(), expected.map((r) => r.transaction_id).sort());
		assert.deepEqual(problems, []);
		await page.close();
	});

	test('an id with quotes, a semicolon and ../ is one value in every query and link', async () => {
		const encoded = encodeURIComponent(HOSTILE_ID);
		for (const [url, label] of [
			[`${site.base}/users/${encoded}/`, '#user-id'],
			[`${site.base}/requests/${encoded}/`, '#request-id']
		]) {
			const { page, problems } = await openPage(browser.context, url);
			assert.equal(await page.locator(label).innerText(), HOSTILE_ID, url);
			assert.equal(await page.locator('#not-found').count(), 1, `${url} says not found`);
			assert.equal(await page.getByText(/Error in Query|Binder Error|Parser Error/).count(), 0);
			assert.deepEqual(problems, [], url);
			await page.close();
		}
		const { page, problems } = await openPage(browser.context, `${site.base}/log-explorer/`);
		await page.getByPlaceholder('a user id (exact)').fill(HOSTILE_ID);
		await settle(page);
		assert.equal(await bigValue(page, 'Matching events'), 0);
		await page.getByPlaceholder('a user id (exact)').fill('');
		await page.getByPlaceholder('a request id (exact)').fill(HOSTILE_ID);
		await settle(page);
		assert.equal(await bigValue(page, 'Matching events'), 0);
		assert.deepEqual(problems, []);
		await page.close();
		// every link the sources build decodes back to its id
		for (const [source, column, prefix, link] of [
			['users', 'user_id', '/users/', 'user_link'],
			['invocations', 'request_id', '/requests/', 'request_link'],
			['sync_mismatches', 'user_id', '/users/', 'user_link']
		]) {
			const rows = await db.rows(
				`select ${column} as id, ${link} as link from ${shipped(source)} where ${column} is not null`
			);
			for (const row of rows) {
				assert.ok(row.link.startsWith(prefix) && row.link.endsWith('/'), row.link);
				assert.equal(decodeURIComponent(row.link.slice(prefix.length, -1)), row.id);
				assert.ok(!/[\s'";]|\.\.\//.test(row.link), `link not encoded: ${row.link}`);
			}
		}
	});

	test('pages use the full width of a 1440 px window', async () => {
		const page = await browser.context.newPage();
		await page.setViewportSize({ width: 1440, height: 900 });
		await page.goto(`${site.base}/reconciliation/`, { waitUntil: 'networkidle' });
		await settle(page);
		const width = await page.locator('article').evaluate((e) => e.getBoundingClientRect().width);
		assert.ok(width > 1000, `the page's column is ${width} px wide`);
		await page.close();
	});
});

describe('the serve script', { skip: skip ?? false }, () => {
	/** Runs reports_serve.mjs with env; resolves with what it printed once it printed an address or exited. */
	function serve(env) {
		return new Promise((resolve) => {
			const child = spawn(process.execPath, [path.join(REPORTS_DIR, 'scripts', 'reports_serve.mjs')], {
				cwd: REPORTS_DIR,
				env: { ...process.env, ...env },
				stdio: ['ignore', 'pipe', 'pipe']
			});
			let out = '';
			const done = (code) => resolve({ out, code, stop: () => child.kill('SIGTERM') });
			child.stdout.on('data', (chunk) => {
				out += chunk;
				if (/Reports: http/.test(out)) done(null);
			});
			child.stderr.on('data', (chunk) => (out += chunk));
			child.on('exit', (code) => done(code));
		});
	}

	/** Holds a port on 127.0.0.1 (the given one, or any free one) until released. */
	function hold(port = 0) {
		return new Promise((resolve, reject) => {
			const server = net.createServer();
			server.once('error', reject);
			server.listen(port, '127.0.0.1', () => resolve(server));
		});
	}

	test('a taken REPORTS_PORT is said plainly, and nothing is printed as the address', async () => {
		const taken = await hold();
		const { port } = taken.address();
		const result = await serve({ REPORTS_PORT: String(port) });
		taken.close();
		assert.equal(result.code, 3);
		assert.match(result.out, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already taken`));
		assert.doesNotMatch(result.out, /Reports: http/);
	});

	test('the printed address is the one this server answers on', async () => {
		// the default port taken (by us, or already by another program): a free one is chosen and printed
		const taken = await hold(4173).catch(() => null);
		const result = await serve({ REPORTS_PORT: '' });
		try {
			const [, address, port] = result.out.match(/Reports: (http:\/\/127\.0\.0\.1:(\d+)\/)/) ?? [];
			assert.ok(address, result.out);
			assert.notEqual(Number(port), 4173);
			assert.match(result.out, /port 4173 is taken/);
			const response = await fetch(address);
			assert.equal(response.status, 200);
			assert.match(await response.text(), /<html/i);
		} finally {
			result.stop();
			taken?.close();
		}
	});
});
