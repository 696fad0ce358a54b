// Browser tests of the pages beyond the core marts: service metrics, continuity breaks
// by cause and VAT. Each page renders with no console error; KPIs, tables, filters and
// CSV downloads agree with SQL on the DuckDB file the site was built from.
// Run with: BALANCE_SYNC_DB=<db> npm test  (after `npm run sources && npm run build`).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
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
	startBrowser,
	startSite
} from './harness.mjs';

const PAGES = ['/service-metrics/', '/continuity-breaks/', '/vat/'];

const skip = missingPrerequisite();
if (skip) console.log(`# skipping the browser tests: ${skip}`);

let site;
let browser;
let db;

/** Text of a number as a page table shows it (thousands separators) back to a number. */
const number = (text) => Number(String(text).replace(/[,\s%]/g, ''));

describe('pages beyond the core marts in a headless browser', { skip: skip ?? false }, () => {
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

	for (const path of PAGES) {
		test(`${path} renders with data and no console error`, async () => {
			const { page, problems } = await openPage(browser.context, site.base + path);
			assert.deepEqual(problems, []);
			assert.ok((await page.locator('h1').first().innerText()).length > 0, 'page has a title');
			assert.ok((await page.locator('.table-container td').count()) > 0, `${path} shows no table cell`);
			assert.equal(await page.getByText(/Query Error|Error in Query|Binder Error|Parser Error/).count(), 0);
			await page.close();
		});
	}

	test('the overview links to the three pages', async () => {
		const { page, problems } = await openPage(browser.context, `${site.base}/`);
		for (const path of PAGES)
			assert.ok((await page.locator(`article a[href="${path}"]`).count()) > 0, `no link to ${path}`);
		assert.deepEqual(problems, []);
		await page.close();
	});

	describe('service metrics', () => {
		let page;
		let problems;
		before(async () => {
			({ page, problems } = await openPage(browser.context, `${site.base}/service-metrics/`));
		});
		after(async () => {
			assert.deepEqual(problems, []);
			await page.close();
		});

		test('KPIs equal marts.service_metrics and the reconciliation', async () => {
			assert.equal(await bigValue(page, 'Metric values'), await db.value('select count(*) from marts.service_metrics'));
			assert.equal(
				await bigValue(page, 'Day and metric pairs that differ'),
				await db.value('select count(*) from marts.service_metric_reconciliation where count_difference <> 0')
			);
		});

		test('per metric, the service count, marts count and difference equal SQL', async () => {
			const table = dataTable(page, 'metric_totals');
			const names = await columnValues(table, 'Metric');
			const differences = await columnValues(table, 'Difference');
			const expected = await db.rows(
				`select metric_name, sum(count_difference) as count_difference
				from marts.service_metric_reconciliation group by 1 order by 1`
			);
			assert.deepEqual(
				names,
				expected.map((r) => r.metric_name)
			);
			assert.deepEqual(
				differences.map((d) => (d.trim() === '-' || d.trim() === '' ? null : number(d))),
				expected.map((r) => (r.count_difference === null ? null : Number(r.count_difference)))
			);
		});

		test('metric filter, difference buttons and CSV list the days SQL lists', async () => {
			const [{ metric_name: metric }] = await db.rows(
				`select metric_name from marts.service_metric_reconciliation group by 1 order by count(*) desc, 1 limit 1`
			);
			await chooseDropdown(page, 'Metric', metric);
			await page.getByRole('button', { name: 'With a difference', exact: true }).click();
			await settle(page);
			const csv = await downloadCsv(page, page.getByRole('button', { name: 'Download the matching days (CSV)' }));
			const expected = await db.rows(
				`select cast(metric_date as varchar) as metric_date from ${shipped('service_metric_reconciliation')}
				where metric_name = '${metric}' and count_difference <> 0`
			);
			assert.ok(expected.length > 0, 'the sample has days that differ');
			assert.deepEqual(
				csv.rows.map((r) => r.metric_date.slice(0, 10)).sort(),
				expected.map((r) => r.metric_date).sort()
			);
			assert.ok(csv.rows.every((r) => r.metric_name === metric));
			await page.getByRole('button', { name: 'All', exact: true }).first().click();
			await chooseDropdown(page, 'Metric', 'All metrics');
			await settle(page);
		});
	});

	describe('continuity breaks', () => {
		let page;
		let problems;
		before(async () => {
			({ page, problems } = await openPage(browser.context, `${site.base}/continuity-breaks/`));
		});
		after(async () => {
			assert.deepEqual(problems, []);
			await page.close();
		});

		test('every break has one cause: the KPI equals the breaks of marts.transactions', async () => {
			assert.equal(
				await bigValue(page, 'Continuity breaks'),
				await db.value('select count(*) from marts.transactions where is_continuity_break')
			);
			assert.equal(
				await db.value(
					'select count(*) from marts.transactions where is_continuity_break <> (continuity_break_cause is not null)'
				),
				0
			);
		});

		test('the cause table lists each cause and currency with its breaks', async () => {
			const table = dataTable(page, 'cause_rows');
			const causes = await columnValues(table, 'Cause');
			const currencies = await columnValues(table, 'Currency');
			const breaks = await columnValues(table, 'Breaks');
			const expected = await db.rows(
				`select continuity_break_cause, currency, count(*) as break_count from marts.transactions
				where is_continuity_break group by 1, 2 order by 1, 2`
			);
			assert.deepEqual(
				causes.map((c, i) => `${c}|${currencies[i]}|${number(breaks[i])}`),
				expected.map((r) => `${r.continuity_break_cause}|${r.currency}|${Number(r.break_count)}`)
			);
		});

		test('cause and currency filters and the CSV hold the breaks SQL holds', async () => {
			const [{ continuity_break_cause: cause, currency }] = await db.rows(
				`select continuity_break_cause, currency from marts.continuity_break_causes order by break_count, 1, 2 limit 1`
			);
			await chooseDropdown(page, 'Cause', cause);
			await chooseDropdown(page, 'Currency', currency);
			const csv = await downloadCsv(page, page.getByRole('button', { name: 'Download all matching breaks (CSV)' }));
			const expected = await db.rows(
				`select transaction_id from ${shipped('continuity_breaks')}
				where continuity_break_cause = '${cause}' and currency = '${currency}'`
			);
			assert.deepEqual(csv.rows.map((r) => r.transaction_id).sort(), expected.map((r) => r.transaction_id).sort());
			assert.ok(csv.rows.every((r) => r.continuity_break_cause === cause && r.currency === currency));
			await chooseDropdown(page, 'Cause', 'All causes');
			await chooseDropdown(page, 'Currency', 'All currencies');
			await settle(page);
		});
	});

	describe('VAT', () => {
		let page;
		let problems;
		before(async () => {
			({ page, problems } = await openPage(browser.context, `${site.base}/vat/`));
		});
		after(async () => {
			assert.deepEqual(problems, []);
			await page.close();
		});

		test('per currency, the VAT on credits and debits equals the transactions', async () => {
			const table = dataTable(page, 'vat_by_currency');
			const currencies = await columnValues(table, 'Currency');
			const credit = await columnValues(table, 'VAT on credits');
			const debit = await columnValues(table, 'VAT on debits');
			const expected = await db.rows(
				`select currency,
					round(sum(case when transaction_type = 'CREDIT' then vat else 0 end), 3) as credit_vat,
					round(sum(case when transaction_type = 'DEBIT' then vat else 0 end), 3) as debit_vat
				from marts.transactions
				where outcome <> 'blocked_negative_balance'
				group by 1 order by 1`
			);
			assert.deepEqual(
				currencies,
				expected.map((r) => r.currency)
			);
			assert.deepEqual(
				credit.map(number),
				expected.map((r) => Number(r.credit_vat))
			);
			assert.deepEqual(
				debit.map(number),
				expected.map((r) => Number(r.debit_vat))
			);
		});

		test("currency filter, KPIs and CSV hold that currency's months", async () => {
			const [{ currency }] = await db.rows(
				`select currency from marts.monthly_vat group by 1 order by sum(credit_vat) desc, 1 limit 1`
			);
			await chooseDropdown(page, 'Currency', currency);
			assert.equal(
				await bigValue(page, 'Transactions'),
				await db.value(`select sum(transaction_count) from marts.monthly_vat where currency = '${currency}'`)
			);
			const csv = await downloadCsv(page, page.getByRole('button', { name: 'Download the matching months (CSV)' }));
			assert.equal(
				csv.rows.length,
				await db.value(`select count(*) from ${shipped('monthly_vat')} where currency = '${currency}'`)
			);
			assert.ok(csv.rows.every((r) => r.currency === currency));
			await chooseDropdown(page, 'Currency', 'All currencies');
			await settle(page);
		});
	});
});
