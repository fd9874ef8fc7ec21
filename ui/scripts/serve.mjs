// Serves the built dashboard (ui/dist) on loopback: `node scripts/serve.mjs [port]
// [--exit-with <pid>]` (port 8080 by default, 0 for any free one; with --exit-with it stops when
// that process is gone). Prints the address it listens on. Used by the run command and the
// browser tests; any static file server does the same job.
import { createReadStream, existsSync, realpathSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.json': 'application/json',
  '.wasm': 'application/wasm', '.png': 'image/png',
};

/** Starts the server on `port` (0: any free one); resolves with the server and its URL. */
export function serve(port = 8080, host = '127.0.0.1') {
  if (!existsSync(join(dist, 'index.html'))) {
    throw new Error(`the dashboard is not built (no ${join(dist, 'index.html')}): run npm run build in ui/`);
  }
  const server = createServer((req, res) => {
    let path;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end('bad request');
      return;
    }
    const file = normalize(join(dist, path === '/' ? 'index.html' : path));
    if (!file.startsWith(dist + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: actual } = server.address();
      resolve({ server, url: `http://${host}:${actual}/` });
    });
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === realpathSync(process.argv[1])) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--exit-with');
  const parent = at >= 0 ? Number(args.splice(at, 2)[1]) : undefined;
  const port = Number(args[0] ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`error: "${args[0]}" is not a port`);
    process.exit(1);
  }
  serve(port).then(({ url }) => {
    console.log(`dashboard at ${url}`);
    if (parent !== undefined) {
      setInterval(() => {
        try { process.kill(parent, 0); } catch { process.exit(0); }
      }, 1000);
    }
  }, (e) => {
    console.error(`error: the dashboard's server: ${e.message}`);
    process.exit(1);
  });
}
