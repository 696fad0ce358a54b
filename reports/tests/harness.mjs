// Test harness for the browser tests: the static site served on 127.0.0.1, Debian's
// chromium driven by playwright-core, and read-only SQL on the same DuckDB file the
// site was built from (BALANCE_SYNC_DB), so expectations come from SQL, not from
// numbers written into the tests.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { chromium } from 'playwright-core';
import { DuckDBInstance } from '@duckdb/node-api';
import { BUILD_DIR, REPORTS_DIR, SOURCE_DIR, databasePath } from '../scripts/reports_paths.mjs';

// Every page of the site: the browser tests open each, the benchmark times each.
export const PAGES = [
	'/',
	'/overdrafts/',
	'/sync-mismatches/',
	'/reconciliation/',
	'/reconciliation/roll-forward/',
	'/reconciliation/anomalies/',
	'/users/',
	'/log-explorer/',
	'/operations/',
	'/data-quality/',
	'/how-to-read/'
];

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-sync',
	'--disable-background-networking',
	'--disable-component-update'
];

/** Checks that what the tests need is there; returns a reason string when it is not. */
export function missingPrerequisite() {
	if (!fs.existsSync(CHROMIUM)) return `no chromium at ${CHROMIUM} (apt-get install -y chromium)`;
	if (!fs.existsSync(path.join(BUILD_DIR, 'index.html')))
		return `no site build in ${BUILD_DIR} (npm run sources && npm run build)`;
	if (!fs.existsSync(databasePath())) return `no database at ${databasePath()} (set BALANCE_SYNC_DB)`;
	return null;
}

async function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

/** Starts `npm run serve`'s script on a free port; resolves once it answers. */
export async function startSite() {
	const port = await freePort();
	const child = spawn(process.execPath, [path.join(REPORTS_DIR, 'scripts', 'reports_serve.mjs')], {
		cwd: REPORTS_DIR,
		env: { ...process.env, REPORTS_PORT: String(port) },
		stdio: ['ignore', 'pipe', 'inherit']
	});
	let printed = '';
	child.stdout.on('data', (chunk) => (printed += chunk));
	const base = `http://127.0.0.1:${port}`;
	const deadline = Date.now() + 20000;
	for (;;) {
		try {
			const res = await fetch(`${base}/`);
			if (res.ok) break;
		} catch {
			// not listening yet
		}
		if (Date.now() > deadline) {
			child.kill();
			throw new Error(`site did not answer on ${base}`);
		}
		await new Promise((r) => setTimeout(r, 100));
	}
	return { base, printed: () => printed, stop: () => child.kill('SIGTERM') };
}

/** Launches chromium with a context that records every request and console error. */
export async function startBrowser() {
	const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
	const context = await browser.newContext({
		acceptDownloads: true,
		viewport: { width: 1400, height: 1000 },
		timezoneId: 'UTC'
	});
	const requests = [];
	context.on('request', (request) => requests.push(request.url()));
	return { browser, context, requests };
}

/** Opens a page and waits until Evidence has run its queries and drawn them. */
export async function openPage(context, url) {
	const page = await context.newPage();
	const problems = [];
	page.on('console', (message) => {
		if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
	});
	page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
	page.on('response', (response) => {
		if (response.status() >= 400) problems.push(`HTTP ${response.status()} for ${response.url()}`);
	});
	await page.goto(url, { waitUntil: 'networkidle' });
	await settle(page);
	return { page, problems };
}

/**
 * Waits until the page has drawn: an article with text, no loading skeleton, and the
 * same text over three polls (750 ms), so queries started by a filter have finished.
 */
export async function settle(page) {
	const deadline = Date.now() + 30000;
	let previous = null;
	let stable = 0;
	for (;;) {
		const state = await page.evaluate(() => ({
			loading: document.querySelectorAll('.animate-pulse').length,
			text: document.querySelector('article')?.innerText ?? ''
		}));
		const ready = state.loading === 0 && state.text.length > 0;
		stable = ready && state.text === previous ? stable + 1 : 0;
		if (stable >= 3) return;
		if (Date.now() > deadline) throw new Error('page did not settle within 30 s');
		previous = state.text;
		await page.waitForTimeout(250);
	}
}

/** The number a BigValue shows under the given title. */
export async function bigValue(page, title) {
	const text = await page
		.locator('p', { hasText: new RegExp(`^${title.replace(/[()]/g, '\\$&')}$`) })
		.first()
		.locator('xpath=following-sibling::div[1]')
		.innerText();
	const n = Number(text.replace(/[,\s]/g, ''));
	if (Number.isNaN(n)) throw new Error(`BigValue ${title} shows "${text}", not a number`);
	return n;
}

/** The (first visible) DataTable drawing the page query `queryName`. */
export function dataTable(page, queryName) {
	return page.getByTestId(`DataTable-${queryName}`).filter({ visible: true }).first();
}

/** Text of every visible cell of the column titled `header`, on the table's current page. */
export async function columnValues(table, header) {
	const headers = await table.locator('th[role=columnheader]').allInnerTexts();
	const index = headers.findIndex((h) => h.trim() === header);
	if (index < 0) throw new Error(`no column "${header}" in [${headers.join(', ')}]`);
	return table.locator(`tr td:nth-child(${index + 1})`).allInnerTexts();
}

/**
 * Picks an option of an Evidence Dropdown (its search box narrows long lists first) and
 * waits until the dropdown shows it. A click that lands while the virtual list re-renders
 * can select nothing (seen once in CI: the dropdown never showed the option), so the pick
 * is tried again, up to three times, before the test fails.
 */
export async function chooseDropdown(page, title, optionLabel) {
	for (let attempt = 1; ; attempt++) {
		await pickOption(page, title, optionLabel);
		try {
			await page.waitForFunction(
				([label, expected]) =>
					[...document.querySelectorAll('[role=combobox][aria-label]')].some(
						(e) => e.getAttribute('aria-label') === label && e.textContent.includes(expected)
					),
				[title, optionLabel],
				{ timeout: 10000 }
			);
			break;
		} catch (error) {
			if (attempt === 3) throw error;
		}
	}
	await settle(page);
}

async function pickOption(page, title, optionLabel) {
	const trigger = page.getByRole('combobox', { name: title, exact: true });
	await trigger.click();
	const popover = page
		.locator('[data-melt-popover-content][data-state="open"]')
		.filter({ has: page.locator('input[data-cmdk-input]') })
		.last();
	await popover.waitFor();
	// The list is virtual (only a window of options exists in the DOM): type into its
	// search box (which narrows query-backed lists), then scroll until the option shows.
	const search = popover.locator('input[data-cmdk-input]');
	const option = popover.getByRole('option', { name: optionLabel, exact: true }).first();
	const appears = (timeout) =>
		option.waitFor({ state: 'visible', timeout }).then(
			() => true,
			() => false
		);
	await page.waitForTimeout(200);
	await search.fill(optionLabel);
	if (!(await appears(2500))) {
		await search.fill('');
		await search.pressSequentially(optionLabel);
	}
	if (!(await appears(2500))) {
		// a static option that the search does not narrow to: scroll the virtual list
		await search.fill('');
		for (let step = 0; !(await appears(100)); step++) {
			if (step > 300) throw new Error(`no option "${optionLabel}" in dropdown "${title}"`);
			await popover
				.locator('[role=option]')
				.last()
				.evaluate((el) => {
					let box = el.parentElement;
					while (box && box.scrollHeight <= box.clientHeight) box = box.parentElement;
					if (box) box.scrollTop += box.clientHeight / 2;
				});
		}
	}
	await option.click();
	if (await popover.isVisible()) await page.keyboard.press('Escape');
}

/**
 * Downloads a CSV and returns it parsed: `target` is a DataTable (hovered, then its
 * Download button clicked) or a button that downloads by itself.
 */
export async function downloadCsv(page, target) {
	let button = target;
	if ((await target.getAttribute('data-testid'))?.startsWith('DataTable-')) {
		await target.hover();
		button = target.getByRole('button', { name: 'Download' });
	}
	await button.waitFor({ state: 'visible' });
	const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
	const file = await download.path();
	return { name: download.suggestedFilename(), rows: parseCsv(fs.readFileSync(file, 'utf8')) };
}

/** RFC 4180 CSV (quotes doubled, quoted fields may hold commas and newlines) to objects. */
export function parseCsv(text) {
	text = text.replace(/^\uFEFF/, '');
	const records = [];
	let field = '';
	let record = [];
	let quoted = false;
	for (let i = 0; i < text.length; i++) {
		const c = text[i];
		if (quoted) {
			if (c === '"' && text[i + 1] === '"') {
				field += '"';
				i++;
			} else if (c === '"') quoted = false;
			else field += c;
		} else if (c === '"') quoted = true;
		else if (c === ',') {
			record.push(field);
			field = '';
		} else if (c === '\n' || c === '\r') {
			if (c === '\r' && text[i + 1] === '\n') i++;
			record.push(field);
			records.push(record);
			record = [];
			field = '';
		} else field += c;
	}
	if (field !== '' || record.length) {
		record.push(field);
		records.push(record);
	}
	const [header, ...body] = records.filter((r) => !(r.length === 1 && r[0] === ''));
	return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}

/** Read-only SQL on the database the site was built from. */
export async function openDatabase() {
	const instance = await DuckDBInstance.create(databasePath(), { access_mode: 'READ_ONLY' });
	const connection = await instance.connect();
	return {
		async rows(sql) {
			const reader = await connection.runAndReadAll(sql);
			return reader.getRowObjectsJson();
		},
		async value(sql) {
			const [row] = await this.rows(sql);
			return Number(Object.values(row)[0]);
		},
		close() {
			connection.closeSync();
			instance.closeSync();
		}
	};
}

/**
 * The rows a source query ships to the browser, as a SQL expression: the source's own
 * .sql file, so a test compares the page with exactly what Evidence was given.
 */
export function shipped(sourceName) {
	const sql = fs.readFileSync(path.join(SOURCE_DIR, `${sourceName}.sql`), 'utf8');
	return `(${sql.replace(/;\s*$/, '')}\n) as ${sourceName}`;
}
