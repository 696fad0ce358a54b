// Merged by Evidence into its own svelte.config.js (.evidence/template).
// The site is built as a single-page app (VITE_EVIDENCE_SPA=true, set by the npm
// scripts): pages query the shipped parquet in the viewer's browser instead of being
// prerendered. Prerendering wrote one page per user (minutes of build for 772 users)
// and shipped every page query's full result again as Arrow files (30 MB for the log
// explorer alone). The fallback page lets any URL, e.g. /users/<id>/, open directly
// when served with `serve --single`.
import adapter from '@sveltejs/adapter-static';

export default {
	kit: {
		adapter: adapter({ fallback: 'index.html', strict: false })
	}
};
