/**
 * The fifteenth round's binary artifacts: variants of kinds earlier rounds read, placed where a real pipeline leaves
 * them and no earlier round made them — a PostgreSQL WAL whose only copy of a changed row is a full-page image
 * compressed by `wal_compression`, and PDFs "protected" by an owner password alone (an empty user password: every
 * reader opens them, their strings and streams encrypted under the key that password gives), by qpdf (AES-256 with an
 * attached config, AES-128, object streams) and by Ghostscript (RC4). Each is made by the real tool; the value is
 * placed as a service or a document generator places it.
 */
import { pyValue } from './variant-round.js';
import type { Variant } from './variant-text.js';

/**
 * A PostgreSQL cluster of its own (initdb and the server as postgres, a Unix socket only, `wal_compression` = `method`):
 * 3,000 rows, a checkpoint, then the config row changed to hold the value and deleted; the server stopped cleanly and
 * its pg_wal copied — a WAL archive's segments, or the pg_wal kept with a preloaded data directory.
 */
const pgWal = (method: string) => `B=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
D=$(mktemp -d /tmp/hoist-pg15-XXXXXX) && cp secret "$D/secret"
printf '\\\\set ON_ERROR_STOP on\\n\\\\set s \`cat %s/secret\`\\n' "$D" > "$D/load.sql"
cat >> "$D/load.sql" <<'SQL'
CREATE TABLE settings (id int PRIMARY KEY, k text, v text) WITH (fillfactor = 70);
INSERT INTO settings SELECT g, 'user:' || lpad(g::text, 5, '0'), '{"id":' || g || ',"name":"user-' || g || '","role":"reader"}' FROM generate_series(1, 3000) g;
INSERT INTO settings VALUES (0, 'config', '{"endpoint":"https://api.example.com"}');
CHECKPOINT;
UPDATE settings SET v = '{"api_token":"' || :'s' || '","endpoint":"https://api.example.com"}' WHERE id = 0;
DELETE FROM settings WHERE id = 0;
SQL
chown -R postgres: "$D" && cd "$D"
PG="runuser -u postgres -- env PGHOST=$D PGUSER=postgres"
trap 'runuser -u postgres -- "$B/pg_ctl" -D "$D/data" -w -s stop -m fast > /dev/null 2>&1 || true; rm -rf "$D"' EXIT
runuser -u postgres -- "$B/initdb" -D "$D/data" -A trust -U postgres -E UTF8 --locale=C --no-sync > /dev/null
runuser -u postgres -- "$B/pg_ctl" -D "$D/data" -l "$D/log" -o "-k $D -c listen_addresses= -c fsync=off -c wal_compression=${method}" -w -s start
$PG "$B/createdb" app && $PG "$B/psql" -q -f "$D/load.sql" app
runuser -u postgres -- "$B/pg_ctl" -D "$D/data" -w -s stop -m fast
mkdir -p "$OUT/pg_wal" && cp "$D"/data/pg_wal/0000* "$OUT/pg_wal/" && ! grep -rF "$S" "$OUT" > /dev/null`;

/**
 * in.pdf: a one-page handbook whose text and document information (or, `subject` false, its text alone) hold `text` (a
 * Python expression, `s` the value, for a PDF literal string's body), as a report generator writes one.
 */
const pagePdf = (text: string, subject = true) =>
  pyValue(`v = ${text}
content = ('BT /F1 12 Tf 72 720 Td (Your API token: ' + v + ') Tj ET').encode('latin-1')
objs = [b'<< /Type /Catalog /Pages 2 0 R >>', b'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
  b'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
  b'<< /Length %d >>\\nstream\\n' % len(content) + content + b'\\nendstream',
  b'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  b'<< /Title (Onboarding) /Subject (${subject ? "token ' + v.encode('latin-1') + b'" : 'Onboarding'}) >>']
out, offs = b'%PDF-1.4\\n', []
for i, o in enumerate(objs):
    offs.append(len(out)); out += b'%d 0 obj\\n' % (i + 1) + o + b'\\nendobj\\n'
x = len(out)
out += b'xref\\n0 %d\\n0000000000 65535 f \\n' % (len(objs) + 1) + b''.join(b'%010d 00000 n \\n' % o for o in offs)
out += b'trailer\\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\\nstartxref\\n%d\\n%%%%EOF\\n' % (len(objs) + 1, x)
open('in.pdf', 'wb').write(out)`);

/** The value's backslashes and parentheses escaped for a PDF literal string. */
const escaped = `s.replace('\\\\', '\\\\\\\\').replace('(', '\\\\(').replace(')', '\\\\)')`;
/** in.pdf: the value in its page's text and information. */
const handbook = pagePdf(escaped);

/** A page with no value in it, and app.env holding the value then 300 lines, attached by qpdf (a FlateDecode stream): in.pdf. */
const attached = `${pagePdf("'see the attached app.env'")}
mv in.pdf page.pdf && printf 'API_TOKEN=%s\\n' "$S" > app.env && seq 1 300 | sed 's/^/LINE_/' >> app.env
qpdf --add-attachment app.env -- page.pdf in.pdf`;

export const variant15Binary: Variant[] = [
  {
    id: 'pg-wal-pglz',
    name: 'PostgreSQL 15 pg_wal with wal_compression=pglz: a row changed after a checkpoint (then deleted), its only copy a pglz-compressed full-page image',
    realWorld: "a database image whose pg_wal (or WAL archive) was kept with the data directory, wal_compression set as PostgreSQL's tuning guides advise",
    kind: 'token',
    script: pgWal('pglz'),
    where: /pg-wal-pglz\/pg_wal\/[0-9A-F]{24}/,
  },
  {
    id: 'pg-wal-on',
    name: "PostgreSQL pg_wal with wal_compression=on (pglz, the setting's older spelling): the same change",
    realWorld: 'a pgdata directory baked into a test image by a setup script that tuned wal_compression = on',
    kind: 'token',
    script: pgWal('on'),
    where: /pg-wal-on\/pg_wal\/[0-9A-F]{24}/,
  },
  {
    id: 'pdf-owner-aes256-attachment',
    name: 'qpdf --encrypt "" OWNER 256: a PDF with a config attached, print-only (empty user password, AES-256 R6)',
    realWorld: "a support bundle or onboarding PDF with the service's .env attached, locked against editing by an owner password",
    kind: 'token',
    script: `${attached}
qpdf --encrypt '' owner-pw-1 256 -- in.pdf "$OUT/support.pdf" && ! grep -F "$S" "$OUT/support.pdf" > /dev/null`,
    where: /pdf-owner-aes256-attachment\/support\.pdf/,
  },
  {
    id: 'pdf-owner-aes128',
    name: 'qpdf --encrypt "" OWNER 128 --use-aes=y: the handbook with the value in its page text and information (AES-128, R4)',
    realWorld: "a generated handbook or invoice PDF (the customer's API token printed in it) with permissions set by its generator",
    kind: 'token',
    script: `${handbook}
qpdf --encrypt '' owner-pw-1 128 --use-aes=y -- in.pdf "$OUT/handbook.pdf" && ! grep -F "$S" "$OUT/handbook.pdf" > /dev/null`,
    where: /pdf-owner-aes128\/handbook\.pdf/,
  },
  {
    id: 'pdf-owner-objstm',
    name: 'qpdf --object-streams=generate --encrypt "" OWNER 256: the handbook, its objects in encrypted object streams',
    realWorld: 'a PDF optimised for size (object and cross-reference streams) and protected by permissions, as qpdf and PDF libraries write them',
    kind: 'token',
    script: `${handbook}
qpdf --object-streams=generate --encrypt '' owner-pw-1 256 -- in.pdf "$OUT/handbook.pdf" && ! grep -F "$S" "$OUT/handbook.pdf" > /dev/null`,
    where: /pdf-owner-objstm\/handbook\.pdf/,
  },
  {
    id: 'pdf-gs-owner',
    name: "gs -sDEVICE=pdfwrite -sOwnerPassword=… -dEncryptionR=3: the handbook's page rewritten by Ghostscript, RC4-128 with an empty user password (its XMP metadata, which gs leaves unencrypted, holds no value)",
    realWorld: 'a PDF protected in a document pipeline by Ghostscript (print-only permissions), shipped as an asset of a web image',
    kind: 'token',
    script: `${pagePdf(escaped, false)}
gs -q -dNOPAUSE -dBATCH -sDEVICE=pdfwrite -sOwnerPassword=owner-pw-1 -dEncryptionR=3 -dKeyLength=128 -dPermissions=-3904 -sOutputFile="$OUT/handbook.pdf" in.pdf && ! grep -F "$S" "$OUT/handbook.pdf" > /dev/null`,
    where: /pdf-gs-owner\/handbook\.pdf/,
  },
  {
    id: 'xar-lzma',
    name: 'bsdtar --format=xar --options xar:compression=lzma: a xar archive whose member is an LZMA-alone stream in its heap',
    realWorld: "a macOS-style package (xar) made on Linux by libarchive with its lzma option, unpacked by a cross-build image's tooling",
    kind: 'token',
    script: `mkdir -p root && printf 'API_TOKEN=%s\\n' "$S" > root/app.env && seq 1 3000 | sed 's/^/LINE_/' >> root/app.env
(cd root && bsdtar -cf "$OUT/pkg.xar" --format=xar --options xar:compression=lzma app.env) && ! grep -F "$S" "$OUT/pkg.xar" > /dev/null`,
    where: /xar-lzma\/pkg\.xar/,
  },
];

/** app.env: the value, then 300 lines. */
const appEnv = `printf 'API_TOKEN=%s\\n' "$S" > app.env && seq 1 300 | sed 's/^/LINE_/' >> app.env && printf 'pass-phrase-1\\n' > pw`;

/**
 * Opened only with something the image does not hold: a PDF whose user password is needed to open it, and files
 * encrypted to a passphrase or a key (gpg -c, openssl enc, age). The right answer is a limit finding naming them,
 * leaky or clean.
 */
export const variant15Named: Variant[] = [
  {
    id: 'pdf-user-password',
    name: 'qpdf --encrypt USER OWNER 256: a PDF that needs a password to open',
    realWorld: 'a password-protected PDF (a statement, a credentials sheet) shipped in an image',
    kind: 'token',
    script: `${handbook}
qpdf --encrypt user-pw-1 owner-pw-1 256 -- in.pdf "$OUT/locked.pdf"`,
    where: /pdf-user-password\/locked\.pdf/,
  },
  {
    id: 'gpg-symmetric',
    name: 'gpg -c (AES-256, iterated and salted S2K): a .env encrypted to a passphrase',
    realWorld: "a team's encrypted .env committed beside the code (decrypted at deploy time) and copied into the image by COPY . .",
    kind: 'token',
    script: `${appEnv}
export GNUPGHOME="$PWD/gnupg" && mkdir -m 700 gnupg
gpg --batch --quiet --pinentry-mode loopback --passphrase-file pw -c -o "$OUT/app.env.gpg" app.env`,
    where: /gpg-symmetric\/app\.env\.gpg/,
  },
  {
    id: 'openssl-enc',
    name: 'openssl enc -aes-256-cbc -pbkdf2: a .env encrypted with a password (Salted__ and the salt first)',
    realWorld: 'a secrets file encrypted by a CI script with openssl enc, shipped encrypted in the image',
    kind: 'token',
    script: `${appEnv}
openssl enc -aes-256-cbc -pbkdf2 -pass file:pw -in app.env -out "$OUT/app.env.enc"`,
    where: /openssl-enc\/app\.env\.enc/,
  },
  {
    id: 'age-recipient',
    name: 'age -r: a .env encrypted to an X25519 recipient (the key kept elsewhere)',
    realWorld: 'a SOPS-less secrets file encrypted with age for the deploy key, copied into the image with the repository',
    kind: 'token',
    script: `${appEnv}
age-keygen -o key.txt 2> /dev/null && age -r "$(grep -o 'age1[0-9a-z]*' key.txt)" -o "$OUT/app.env.age" app.env`,
    where: /age-recipient\/app\.env\.age/,
  },
];

/**
 * The round's findings at its start (the shipped bundle, dist/ at ab43ac2): 6 artifacts, all missed in silence (exit 0
 * on the leaky image); the 4 named passed in silence too. Read since: postgres.ts's WAL walk (the records' full-page
 * images, pglz and LZ4), pdf-crypt.ts (the standard security handler's key from the empty user password, R2–R6);
 * named since: the locked PDF (pdf-crypt.ts), the encrypted files (encrypted.ts).

 * Missed in silence too: xar-lzma (a xar's gzip, bzip2 and xz members were found by their magic inside the heap, an
 * LZMA-alone member has none a search may take; read since: xar.ts, each member opened at its path).
 */
const GAPS = new Set<string>([]);

/** Every round-15 binary artifact the audit finds. */
export const variant15BinaryFound: Variant[] = variant15Binary.filter((a) => !GAPS.has(a.id));

/** The known gaps. */
export const variant15BinaryGaps: Variant[] = variant15Binary.filter((a) => GAPS.has(a.id));
