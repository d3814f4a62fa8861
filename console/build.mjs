// Builds the console into dist/: one bundled, minified script, the page and its style sheet. No CDN, no fonts:
// everything the browser needs is in dist/, which the server's build copies into its jar.
import { build } from 'esbuild';
import { cpSync, mkdirSync, rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
mkdirSync('dist', { recursive: true });
await build({
  entryPoints: ['src/app.ts'],
  bundle: true,
  minify: true,
  sourcemap: false,
  format: 'esm',
  target: 'es2022',
  outfile: 'dist/app.js',
  logLevel: 'warning',
});
cpSync('src/index.html', 'dist/index.html');
cpSync('src/style.css', 'dist/style.css');
