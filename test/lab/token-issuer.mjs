// The lab's token issuer: the Bearer flow of Docker Hub, GHCR and GitLab in miniature.
// The real registry (docker-registry, auth: token) validates what this signs against the lab's
// token certificate. Users: token-user (pull, push, delete everywhere); anonymous callers get
// pull only, and nothing under golden/ (the private golden bases). Every request is appended to $HOIST_LAB_DIR/log/token-requests.jsonl (without
// credentials) so tests can see which scopes a client asked for.
import { createServer } from 'node:http';
import { createPrivateKey, createPublicKey, createHash, sign, randomUUID, timingSafeEqual } from 'node:crypto';
import { readFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.HOIST_LAB_DIR ?? '/var/tmp/hoist-lab';
const port = Number(process.env.ISSUER_PORT ?? 5201);
const key = createPrivateKey(readFileSync(join(dir, 'tls/token.key')));
const certPem = readFileSync(join(dir, 'tls/token.pem'));
const users = { 'token-user': readFileSync(join(dir, 'secrets/token-user.password'), 'utf8').trim() };
const SERVICE = 'hoist-lab-registry';
const ISSUER = 'hoist-lab-issuer';
const TTL_SECONDS = Number(process.env.TOKEN_TTL ?? 300);

/** libtrust's key id: base32(sha256(SPKI DER)[:30]) in 12 groups of 4, as distribution expects. */
function libtrustKeyId(pem) {
  const der = createPublicKey(pem).export({ type: 'spki', format: 'der' });
  const bytes = createHash('sha256').update(der).digest().subarray(0, 30);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0,
    value = 0,
    out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out.match(/.{4}/g).join(':');
}
const kid = libtrustKeyId(certPem);
const b64url = (v) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

function authenticate(header) {
  if (!header?.startsWith('Basic ')) return { user: '' };
  const [user, ...rest] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
  const want = users[user];
  const got = rest.join(':');
  if (want === undefined || want.length !== got.length || !timingSafeEqual(Buffer.from(want), Buffer.from(got))) return null;
  return { user };
}

function grant(user, scope) {
  const first = scope.indexOf(':'),
    last = scope.lastIndexOf(':');
  if (first < 0 || last === first) return null;
  const type = scope.slice(0, first),
    name = scope.slice(first + 1, last);
  const asked = scope
    .slice(last + 1)
    .split(',')
    .filter(Boolean);
  // Repositories under golden/ are private: an anonymous caller gets nothing there.
  const allowed = user ? ['pull', 'push', 'delete', '*'] : name.startsWith('golden/') ? [] : ['pull'];
  return { type, name, actions: asked.filter((a) => allowed.includes(a)) };
}

createServer((req, res) => {
  const url = new URL(req.url, `http://127.0.0.1:${port}`);
  if (url.pathname === '/healthz') {
    res.end('ok');
    return;
  }
  if (url.pathname !== '/token') {
    res.writeHead(404).end();
    return;
  }
  const who = authenticate(req.headers.authorization);
  const scopes = url.searchParams
    .getAll('scope')
    .flatMap((s) => s.split(' '))
    .filter(Boolean);
  appendFileSync(
    join(dir, 'log/token-requests.jsonl'),
    JSON.stringify({
      time: new Date().toISOString(),
      user: who?.user ?? '(rejected)',
      service: url.searchParams.get('service'),
      scopes,
    }) + '\n',
  );
  if (!who) {
    res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'bad credentials' }] }));
    return;
  }
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: ISSUER,
    sub: who.user,
    aud: url.searchParams.get('service') ?? SERVICE,
    iat: now,
    nbf: now - 5,
    exp: now + TTL_SECONDS,
    jti: randomUUID(),
    access: scopes.map((s) => grant(who.user, s)).filter(Boolean),
  };
  const signingInput = `${b64url({ typ: 'JWT', alg: 'RS256', kid })}.${b64url(claims)}`;
  const token = `${signingInput}.${sign('sha256', Buffer.from(signingInput), key).toString('base64url')}`;
  res
    .writeHead(200, { 'content-type': 'application/json' })
    .end(JSON.stringify({ token, access_token: token, expires_in: TTL_SECONDS, issued_at: new Date(now * 1000).toISOString() }));
}).listen(port, '127.0.0.1');
