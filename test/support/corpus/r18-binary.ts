/**
 * The eighteenth round's binary artifacts: HTTP answers kept by the tools that record or cache them, whose bodies a scan
 * of the file does not see — the answer's framing (`Transfer-Encoding: chunked`: a size line every chunk, through a
 * value) and its encoding (brotli, with no magic number; gzip or deflate cut by those size lines) stay as the server
 * sent them. WARC files written by `wget --warc-file` (`.warc.gz`, one gzip member a record, or
 * `--no-warc-compression`), and nginx's proxy cache files (the upstream's head, then its body de-chunked but still
 * brotli'd), and curl's --trace files (the bytes received as hex lines). Each is made by the real tool (wget 1.21, nginx 1.22, curl 7.88) against a Node server (the machine's `node`, as a
 * tool) answering a JSON document of 2,000 rows and the value, written 1,000 bytes a `res.write`. And two coders'
 * settings a standard reading missed: brotli --large_window, xz --x86 --delta (a filter chain).
 */
import type { Variant } from './variant-text.js';
import { awaitReady } from './waits.js';

/** The JSON answer's bytes in `out`, encoded `enc` (br, gzip, deflate — zlib's — or identity); the value in `s`. */
const answer = (
  enc: string,
) => `const body = Buffer.from(JSON.stringify({ rows: Array.from({ length: 2000 }, (_, i) => ({ id: i, role: 'reader' })), api_token: s }));
const out = '${enc}' === 'br' ? zlib.brotliCompressSync(body) : '${enc}' === 'gzip' ? zlib.gzipSync(body) : '${enc}' === 'deflate' ? zlib.deflateSync(body) : body;
const head = { 'content-type': 'application/json', 'cache-control': 'max-age=3600', ...('${enc}' === 'identity' ? {} : { 'content-encoding': '${enc}' }) };`;
/** 1,000 bytes a write (chunked); `across`: two writes, the first ending 9 bytes into the value. */
const PIECES = 'for (let i = 0; i < out.length; i += 1000) res.write(out.subarray(i, i + 1000));';
const ACROSS = 'const at = out.indexOf(s) + 9; res.write(out.subarray(0, at)); res.write(out.subarray(at));';

/** A Node server on a free port (./port) answering `requests` GETs with the answer, then closing. */
const server = (enc: string, write: string, requests = 1) => `cat > srv.js <<'JSEOF'
const fs = require('fs'), zlib = require('zlib'), http = require('http');
const s = fs.readFileSync('secret', 'utf8');
${answer(enc)}
let n = 0;
const srv = http.createServer((req, res) => { if (++n >= ${requests}) srv.close(); res.writeHead(200, head); ${write} res.end(); });
srv.listen(0, '127.0.0.1', () => { fs.writeFileSync('port.tmp', String(srv.address().port)); fs.renameSync('port.tmp', 'port'); });
setTimeout(() => srv.close(), 20000).unref();
JSEOF
node srv.js & SRV=$!
${awaitReady('[ -s port ]', '$SRV', 'the Node server')}`;

/** wget --warc-file of `paths` (the last answer holding the value… every answer does) into $OUT/crawl.warc[.gz]. */
const warc = (enc: string, write: string, flags: string, paths = ['/api/config']) => `${server(enc, write, paths.length)}
wget -q ${enc === 'identity' ? '' : `--header="Accept-Encoding: ${enc}"`} ${flags} --warc-file="$OUT/crawl" ${paths.map((p) => `"http://127.0.0.1:$(cat port)${p}"`).join(' ')} -O /dev/null; wait
! grep -rF "$S" "$OUT" > /dev/null && ! zcat -f "$OUT"/crawl.warc* | grep -F "$S" > /dev/null`;

/**
 * One GET through nginx (proxy_cache, `proxy_http_version` `http`) to the Node server answering in brotli: the cache
 * file copied to $OUT/cache/… (nginx's workers run as root here, so they write the scratch directory).
 */
const nginxCache = (http: string) => `${server('br', PIECES)}
F=$(node -e "const s = require('net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })")
printf 'user root; daemon off; pid %s/nginx.pid; error_log %s/error.log; events {}\\nhttp { access_log off; proxy_cache_path %s/cache levels=1:2 keys_zone=c:1m; client_body_temp_path %s/t1; proxy_temp_path %s/t2;\\nserver { listen 127.0.0.1:%s; location / { proxy_pass http://127.0.0.1:%s; proxy_cache c; proxy_http_version ${http}; } } }\\n' "$PWD" "$PWD" "$PWD" "$PWD" "$PWD" "$F" "$(cat port)" > nginx.conf
nginx -c "$PWD/nginx.conf" -p "$PWD" & NG=$!
${awaitReady('curl -s -o /dev/null "http://127.0.0.1:$F/api/config"', '$NG', 'nginx')}
${awaitReady('[ -n "$(find cache -type f 2> /dev/null)" ]', '$NG', "nginx's cache file")}
kill $NG; wait $NG || true; wait
cp -r cache "$OUT/cache" && [ -n "$(find "$OUT/cache" -type f)" ] && ! grep -rF "$S" "$OUT" > /dev/null`;

/** curl `flags` FILE against the Node server answering in `enc`, $OUT/trace.txt the trace. */
const curlTrace = (enc: string, write: string, flags: string) => `${server(enc, write)}
curl -s ${enc === 'identity' ? '' : `-H 'Accept-Encoding: ${enc}'`} ${flags} "$OUT/trace.txt" "http://127.0.0.1:$(cat port)/api/config" -o /dev/null; wait
! grep -F "$S" "$OUT/trace.txt" > /dev/null`;

/** app.env: the value on its first line, then 3,000 numbered lines. */
const APP_ENV = `printf 'API_TOKEN=%s\\n' "$S" > app.env && seq 1 3000 | sed 's/^/LINE_/' >> app.env`;

export const r18Binary: Variant[] = [
  {
    id: 'warc-gz-br-chunked',
    name: 'wget --warc-file (.warc.gz) of an API answering in brotli, chunked: the body cut by size lines, compressed with no magic number',
    realWorld: "a site or API snapshot (wget --mirror --warc-file, a web-archiving job) kept in an image, the API's config answer holding a token",
    kind: 'token',
    script: warc('br', PIECES, ''),
    where: /warc-gz-br-chunked\/crawl\.warc\.gz!.*record 3 \(response http:\/\/127\.0\.0\.1:\d+\/api\/config\) \(as HTTP body\)/,
  },
  {
    id: 'warc-br-chunked',
    name: 'wget --warc-file --no-warc-compression: the same record in an uncompressed WARC',
    realWorld: 'a WARC written uncompressed (for later indexing) by a crawl job baked into an archive or replay image',
    kind: 'token',
    script: warc('br', PIECES, '--no-warc-compression'),
    where: /warc-br-chunked\/crawl\.warc!.*record 3 \(response http:\/\/127\.0\.0\.1:\d+\/api\/config\) \(as HTTP body\)/,
  },
  {
    id: 'warc-gz-identity-across',
    name: 'wget --warc-file of a plain JSON answer, chunked, a chunk ending 9 bytes into the value (a size line through it)',
    realWorld: "a crawl of a Node/Express API (chunked by default) whose answer's value fell across a write",
    kind: 'token',
    script: warc('identity', ACROSS, ''),
    where: /warc-gz-identity-across\/crawl\.warc\.gz!.*record 3 \(response [^)]*\) \(as HTTP body\)/,
  },
  {
    id: 'warc-gz-gzip-chunked',
    name: 'wget --warc-file of a gzip answer, chunked: the gzip stream cut by a size line every 1,000 bytes',
    realWorld: 'a crawl of a server with gzip on (nginx, Express compression) kept as a .warc.gz',
    kind: 'token',
    script: warc('gzip', PIECES, ''),
    where: /warc-gz-gzip-chunked\/crawl\.warc\.gz!.*record 3 \(response [^)]*\) \(as HTTP body\)/,
  },
  {
    id: 'warc-deflate-chunked',
    name: 'wget --warc-file --no-warc-compression of a deflate (zlib) answer, chunked',
    realWorld: "a recording of an older server's Content-Encoding: deflate answers in an uncompressed WARC",
    kind: 'token',
    script: warc('deflate', PIECES, '--no-warc-compression'),
    where: /warc-deflate-chunked\/crawl\.warc!.*record 3 \(response [^)]*\) \(as HTTP body\)/,
  },
  {
    id: 'warc-gz-br-second',
    name: 'wget --warc-file of two URLs, both brotli and chunked: the value in the second response record (record 5)',
    realWorld: 'a multi-page crawl (wget -i urls.txt --warc-file) whose later record holds the token',
    kind: 'token',
    script: warc('br', PIECES, '', ['/api/health', '/api/config']),
    where: /warc-gz-br-second\/crawl\.warc\.gz!.*record 5 \(response http:\/\/127\.0\.0\.1:\d+\/api\/config\) \(as HTTP body\)/,
  },
  {
    id: 'nginx-cache-br',
    name: "nginx proxy_cache (proxy_http_version 1.1) of a brotli answer: the cache file's body de-chunked, still brotli",
    realWorld: 'an image whose build ran nginx as a caching proxy in front of an API, /var/cache/nginx left in a layer',
    kind: 'token',
    script: nginxCache('1.1'),
    where: /nginx-cache-br\/cache\/[0-9a-f]\/[0-9a-f]{2}\/[0-9a-f]{32} \(as HTTP body\)/,
  },
  {
    id: 'nginx-cache-br-http10',
    name: "nginx proxy_cache with nginx's default proxy_http_version 1.0: the upstream's brotli answer unchunked, to its close",
    realWorld: 'an nginx reverse-proxy cache (default settings) of a brotli-compressing upstream, kept in an image',
    kind: 'token',
    script: nginxCache('1.0'),
    where: /nginx-cache-br-http10\/cache\/[0-9a-f]\/[0-9a-f]{2}\/[0-9a-f]{32} \(as HTTP body\)/,
  },
  {
    id: 'curl-trace-br',
    name: 'curl --trace of a brotli answer, chunked: the bytes received as hex lines, 16 a line, size lines and brotli inside',
    realWorld: "a CI job's `curl --trace trace.log` of a deploy API call (debugging), the log left in the image",
    kind: 'token',
    script: curlTrace('br', PIECES, '--trace'),
    where: /curl-trace-br\/trace\.txt \(received\) \(as HTTP body\)/,
  },
  {
    id: 'curl-trace-gzip',
    name: 'curl --trace of a gzip answer, chunked: a gzip stream in hex lines, cut by size lines',
    realWorld: 'a curl trace of a call to a server with gzip on',
    kind: 'token',
    script: curlTrace('gzip', PIECES, '--trace'),
    where: /curl-trace-gzip\/trace\.txt \(received\) \(as HTTP body\)/,
  },
  {
    id: 'brotli-large-window',
    name: 'brotli --large_window=26 -q 11: a large-window stream (first byte 0x11), which a standard decoder calls damaged',
    realWorld: "a release asset or bundle compressed by a build step's `brotli --large_window` for size, kept as .br",
    kind: 'token',
    script: `${APP_ENV} && brotli -q 11 --large_window=26 -o "$OUT/app.env.br" app.env && ! grep -F "$S" "$OUT/app.env.br" > /dev/null`,
    where: /brotli-large-window\/app\.env\.br!/,
  },
  {
    id: 'xz-x86-delta',
    name: 'xz --x86 --delta=dist=4 --lzma2: a block whose filter chain has a branch filter and a delta filter before LZMA2',
    realWorld: 'a firmware or release tarball compressed with a tuned xz filter chain (x86 code, then 4-byte deltas)',
    kind: 'token',
    script: `${APP_ENV} && xz -c --x86 --delta=dist=4 --lzma2 app.env > "$OUT/app.env.xz" && ! grep -F "$S" "$OUT/app.env.xz" > /dev/null`,
    where: /xz-x86-delta\/app\.env\.xz!/,
  },
];

/** A --trace-ascii trace of a brotli answer: its bytes shown as dots, not to be read back — named, leaky and clean. */
export const r18Named: Variant[] = [
  {
    id: 'curl-trace-ascii-br',
    name: 'curl --trace-ascii of a brotli answer: the body shown as text, its bytes as dots',
    realWorld: 'a curl --trace-ascii debug log of an API that compressed its answer',
    kind: 'token',
    script: curlTrace('br', PIECES, '--trace-ascii'),
    where: /curl-trace-ascii-br\/trace\.txt/,
  },
];
