/**
 * The variant corpus's fifth round: a value's bytes written as a list of numbers (`xxd -i`, JSON of a
 * Node Buffer, Python's `list(bytes)`, Java's `Arrays.toString` of signed bytes) and a mail header
 * cut into RFC 2047 encoded words (Q words with `_` for spaces; B words across folded lines). Each is
 * made by the tool that makes it in a real pipeline. Then the gaps this round once kept, read now (issue 28): a value
 * cut across two members of a gzip file, two xz streams or two lz4 frames (`gzip -c >> log.gz` of a line written in
 * two parts), across bgzip's BGZF blocks, a tar cut into two gzip members, and colon hex in `de:ad:be:ef` lines.
 */
import type { Variant } from './variant-text.js';
import { pyValue as py } from './variant-round.js';

const lines = (n: number) => `for i in $(seq 1 ${n}); do echo "2026-01-01T00:00:0$((i%10))Z INFO request $i served"; done`;

/** Half the value at the end of one part, half at the start of the next: `split` of a line written in two calls. */
const halves = (compress: string, file: string) => `h=\${#S}; a=\${S:0:$((h / 2))}; b=\${S:$((h / 2))}
{ ${lines(50)}; printf 'token=%s' "$a"; } | ${compress} > "$OUT/${file}"
{ printf '%s\\n' "$b"; ${lines(50)}; } | ${compress} >> "$OUT/${file}"`;

export const variant5: Variant[] = [
  {
    id: 'eml-2047-q',
    name: 'Python email: a header as RFC 2047 Q words (utf-8, `_` for a space), folded across lines',
    realWorld: 'a saved notification mail whose custom header carries a passphrase',
    kind: 'spaces',
    script:
      py(`from email.header import Header
from email import charset
from email.mime.text import MIMEText
c = charset.Charset('utf-8'); c.header_encoding = charset.QP
m = MIMEText('see header'); m['X-Deploy-Note'] = Header('Schlüssel für den Dienst und weitere Angaben: ' + s, c)
open(OUT + '/mail.eml', 'w').write(m.as_string())`) + `\n! grep -qF "$S" "$OUT/mail.eml"`,
    where: /eml-2047-q\/mail\.eml!\(RFC 2047 words at \d+\)/,
  },
  {
    id: 'eml-2047-b-long',
    name: 'Python email (policy.SMTP): a 200-character value in a Subject, B words on four folded lines',
    realWorld: 'a build mail whose subject quotes a service-account token',
    kind: 'long',
    script:
      py(`from email.message import EmailMessage
from email import policy
m = EmailMessage(policy=policy.SMTP); m['From'] = 'ci@example.com'; m['To'] = 'ops@example.com'
m['Subject'] = 'Schlüssel für ' + s
m.set_content('see subject')
open(OUT + '/mail.eml', 'wb').write(bytes(m))`) + `\n! grep -qF "$S" "$OUT/mail.eml"`,
    where: /eml-2047-b-long\/mail\.eml!\(RFC 2047 words at \d+\)/,
  },
  {
    id: 'xxd-include',
    name: '`xxd -i` of a key file: a C array of 0x.. bytes, 12 a line',
    realWorld: 'a generated header embedding a credential into firmware or a C service, left in the image with the sources',
    kind: 'token',
    script: `cp secret api_key; xxd -i api_key > "$OUT/api_key.h"`,
    where: /xxd-include\/api_key\.h!\(byte list at \d+\)/,
  },
  {
    id: 'node-buffer-json',
    name: 'JSON.stringify of an object holding a Buffer (`{"type":"Buffer","data":[…]}`)',
    realWorld: 'a Node cache or session store that serialized a Buffer it was handed',
    kind: 'unicode',
    script: `node -e 'const fs = require("fs"); fs.writeFileSync(process.env.OUT + "/cache.json", JSON.stringify({ user: "ci", key: Buffer.from(fs.readFileSync("secret", "utf8")) }, null, 2))'`,
    where: /node-buffer-json\/cache\.json!\(byte list at \d+\)/,
  },
  {
    id: 'py-bytes-list',
    name: 'json.dumps of list(value.encode()) (decimal bytes)',
    realWorld: 'a Python state file that stored bytes as a JSON list',
    kind: 'unicode',
    script: py(`import json
open(OUT + '/state.json', 'w').write(json.dumps({'key': list(s.encode())}))`),
    where: /py-bytes-list\/state\.json!\(byte list at \d+\)/,
  },
  {
    id: 'java-arrays',
    name: 'Java Arrays.toString(value.getBytes(UTF_8)) in a log (signed bytes: é is -61, -87)',
    realWorld: 'a debug log line of a Java service printing the bytes it was given',
    kind: 'unicode',
    script: `cat > P.java <<'JEOF'
import java.nio.file.*; import java.util.*; import java.nio.charset.StandardCharsets;
public class P { public static void main(String[] a) throws Exception {
  byte[] b = Files.readString(Path.of("secret")).getBytes(StandardCharsets.UTF_8);
  Files.writeString(Path.of(System.getenv("OUT"), "app.log"), "DEBUG key bytes " + Arrays.toString(b) + System.lineSeparator());
} }
JEOF
java P.java`,
    where: /java-arrays\/app\.log!\(byte list at \d+\)/,
  },
  {
    id: 'gzip-members-split',
    name: 'a value cut across two gzip members (`gzip -c >> app.log.gz` twice)',
    realWorld: 'a log appended to as gzip members by a process that wrote a line in two parts',
    kind: 'token',
    script: halves('gzip -n -c', 'app.log.gz'),
    where: /gzip-members-split\/app\.log\.gz!$/,
  },
  {
    id: 'xz-streams-split',
    name: 'a value cut across two xz streams (`xz -c >>`)',
    realWorld: 'the same, compressed with xz',
    kind: 'token',
    script: halves('xz -c', 'app.log.xz'),
    where: /xz-streams-split\/app\.log\.xz!$/,
  },
  {
    id: 'lz4-frames-split',
    name: 'a value cut across two lz4 frames (`lz4 -c >>`)',
    realWorld: 'the same, compressed with lz4',
    kind: 'token',
    script: halves('lz4 -q -c', 'app.log.lz4'),
    where: /lz4-frames-split\/app\.log\.lz4!$/,
  },
  {
    id: 'bgzip-blocks-split',
    name: 'bgzip (BGZF: a gzip member per 65,280 input bytes), the value across the first block boundary',
    realWorld: 'a tabix-indexed annotation file in a bioinformatics image whose first record carries an API key',
    kind: 'token',
    script: `{ head -c 65270 /dev/zero | tr '\\0' '#'; printf 'token=%s\\n' "$S"; ${lines(3000)}; } | bgzip -c > "$OUT/notes.txt.gz"`,
    where: /bgzip-blocks-split\/notes\.txt\.gz!$/,
  },
  {
    id: 'tar-gzip-members-split',
    name: "a tar cut inside the value into two gzip members (Python's gzip.compress of each part)",
    realWorld: 'a backup written in parts, each gzip-compressed and appended to one .tar.gz',
    kind: 'token',
    script: py(`import gzip, io, tarfile
buf = io.BytesIO()
data = ('x' * 3000 + '\\ntoken=' + s + '\\n').encode()
info = tarfile.TarInfo('etc/app.env'); info.size = len(data); info.mtime = 0
with tarfile.open(fileobj=buf, mode='w', format=tarfile.USTAR_FORMAT) as t: t.addfile(info, io.BytesIO(data))
raw = buf.getvalue(); cut = raw.index(s.encode()) + len(s.encode()) // 2
open(OUT + '/backup.tar.gz', 'wb').write(gzip.compress(raw[:cut], mtime=0) + gzip.compress(raw[cut:], mtime=0))`),
    where: /tar-gzip-members-split\/backup\.tar\.gz!\/etc\/app\.env$/,
  },
  {
    id: 'colon-hex-lines',
    name: 'colon hex written by hand: `de:ad:be:ef` lines, four bytes each, no colon at a line end',
    realWorld: 'key material pasted into a config as colon hex, a word a line',
    kind: 'token',
    script: py(`p = s.encode().hex(':').split(':')
open(OUT + '/key.hex', 'w').write('# key\\n' + '\\n'.join(':'.join(p[i:i + 4]) for i in range(0, len(p), 4)) + '\\n')`),
    where: /colon-hex-lines\/key\.hex!\(colon hex at \d+\)$/,
  },
];

/** No known gap left in this round: the members, streams and frames once read apart are one content now (issue 28). */
export const variant5Gaps: Variant[] = [];
