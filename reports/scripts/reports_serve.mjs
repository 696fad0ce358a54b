// `npm run serve`: serve the static build on 127.0.0.1 only and print its address.
// Port: REPORTS_PORT, or 4173. The address is printed only once the server answers on
// it, so what is printed is where this server listens:
// - REPORTS_PORT given and taken by another program: say so and stop (exit 3);
// - the default port taken (e.g. a second checkout serving its reports): a free port
//   is chosen and printed, with a note.
// --single: the site is a single-page app, so a deep link such as /users/<id>/ is
// answered with the app shell (build/index.html).
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { BUILD_DIR, REPORTS_DIR } from './reports_paths.mjs';

const DEFAULT_PORT = 4173;
const HOST = '127.0.0.1';
const given = process.env.REPORTS_PORT !== undefined && process.env.REPORTS_PORT.trim() !== '';
const requested = given ? Number(process.env.REPORTS_PORT) : DEFAULT_PORT;
if (!Number.isInteger(requested) || requested < 0 || requested > 65535) {
	console.error(
		`reports: REPORTS_PORT must be a TCP port number (0 for any free one), got ${process.env.REPORTS_PORT}`
	);
	process.exit(2);
}
if (!fs.existsSync(path.join(BUILD_DIR, 'index.html'))) {
	console.error(`reports: no build in ${BUILD_DIR}; run \`npm run sources && npm run build\` first`);
	process.exit(2);
}

/** Resolves to the port bound on HOST (0: any free one), or null when it is taken. */
function tryPort(port) {
	return new Promise((resolve, reject) => {
		const probe = net.createServer();
		probe.once('error', (error) => (error.code === 'EADDRINUSE' ? resolve(null) : reject(error)));
		probe.listen(port, HOST, () => {
			const bound = probe.address().port;
			probe.close(() => resolve(bound));
		});
	});
}

let port = await tryPort(requested);
let note = '';
if (port === null && given) {
	console.error(
		`reports: port ${requested} on ${HOST} is already taken by another program (another reports server?). ` +
			'Stop it, or choose another port: REPORTS_PORT=<port> (0 picks a free one).'
	);
	process.exit(3);
}
if (port === null) {
	port = await tryPort(0);
	note = `  (port ${requested} is taken by another program, so this server uses ${port})`;
}

const serve = path.join(REPORTS_DIR, 'node_modules', '.bin', 'serve');
const child = spawn(
	serve,
	[
		BUILD_DIR,
		'--single',
		'--listen',
		`tcp://${HOST}:${port}`,
		'--no-clipboard',
		'--no-port-switching',
		'--no-request-logging'
	],
	{ cwd: REPORTS_DIR, stdio: ['ignore', 'ignore', 'inherit'] }
);
let exited = false;
child.on('exit', (code, signal) => {
	if (!exited) {
		exited = true;
		process.exit(signal ? 0 : (code ?? 0));
	}
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));

// print the address once this server answers there (another program could have taken the
// port after the check above: then `serve` fails and exits, and nothing is printed)
const address = `http://${HOST}:${port}/`;
const deadline = Date.now() + 30000;
for (;;) {
	if (exited) break;
	try {
		const response = await fetch(address);
		if (response.ok && !exited) {
			console.log(`Reports: ${address}  (Ctrl-C to stop)${note}`);
			break;
		}
	} catch {
		// not listening yet
	}
	if (Date.now() > deadline) {
		console.error(`reports: the server did not answer on ${address} within 30 s`);
		child.kill('SIGTERM');
		process.exit(1);
	}
	await new Promise((resolve) => setTimeout(resolve, 100));
}
