// `npm run serve`: serve the static build on 127.0.0.1 only and print its address.
// Port: REPORTS_PORT (default 4173). --single: the site is a single-page app, so a
// deep link such as /users/<id>/ is answered with the app shell (build/index.html).
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { BUILD_DIR, REPORTS_DIR } from './reports_paths.mjs';

const port = Number(process.env.REPORTS_PORT ?? 4173);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
	console.error(`reports: REPORTS_PORT must be a TCP port number, got ${process.env.REPORTS_PORT}`);
	process.exit(2);
}
if (!fs.existsSync(path.join(BUILD_DIR, 'index.html'))) {
	console.error(`reports: no build in ${BUILD_DIR}; run \`npm run sources && npm run build\` first`);
	process.exit(2);
}
const serve = path.join(REPORTS_DIR, 'node_modules', '.bin', 'serve');
const child = spawn(
	serve,
	[BUILD_DIR, '--single', '--listen', `tcp://127.0.0.1:${port}`, '--no-clipboard', '--no-port-switching', '--no-request-logging'],
	{ cwd: REPORTS_DIR, stdio: ['ignore', 'ignore', 'inherit'] }
);
console.log(`Reports: http://127.0.0.1:${port}/  (Ctrl-C to stop)`);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(signal ? 0 : (code ?? 0)));
