/**
 * The variant corpus's fourth round (issue 28): serializers that write a string their own way
 * (pickle protocol 0, .pyc marshal, Ruby Marshal, MessagePack, CBOR, BSON, protobuf, Go's gob),
 * compiled strings (a Go binary, UTF-16 literals of a C program), framings of compressed blocks
 * (Hadoop's snappy, snappy-java's), headerless deflate (PHP's gzdeflate), a SQLite row across its
 * overflow pages, text folded by mail (MIME base64 at 76, RFC 2047 encoded words), Java's
 * Properties.store, and what a tar header holds (a file's name, a symlink's target, an xattr).
 * Each is made by the tool that makes it in a real pipeline.
 */
import type { Variant } from './variant-text.js';
import { goMain as go, pyValue as py } from './variant-round.js';

export const variant4: Variant[] = [
  {
    id: 'pickle-0',
    name: 'pickle.dumps(protocol=0): UNICODE opcode in raw-unicode-escape (é as byte E9, € as \\u20ac)',
    realWorld: 'a Python 2-era cache or a pickle written with protocol 0 for readability',
    kind: 'unicode',
    script: py(`import pickle
open(OUT + '/cache.pkl', 'wb').write(pickle.dumps({'password': s}, protocol=0))`),
    where: /pickle-0\/cache\.pkl/,
  },
  {
    id: 'pyc-marshal',
    name: 'py_compile: a module constant in the .pyc (marshal)',
    realWorld: 'a settings.py compiled into __pycache__ and shipped without its source',
    kind: 'unicode',
    script: py(`import py_compile, json
open('settings.py', 'w', encoding='utf-8').write('PASSWORD = ' + json.dumps(s, ensure_ascii=False) + '\\n')
py_compile.compile('settings.py', cfile=OUT + '/settings.cpython-311.pyc')`),
    where: /pyc-marshal\/settings\.cpython-311\.pyc/,
  },
  {
    id: 'ruby-marshal',
    name: 'Ruby Marshal.dump of a Hash (a string with its encoding ivar)',
    realWorld: 'a Rails cache entry (file store) holding a credential',
    kind: 'unicode',
    script: `ruby -e 's = File.read("secret", encoding: "UTF-8"); File.binwrite(ENV["OUT"] + "/cache.bin", Marshal.dump({"password" => s}))'`,
    where: /ruby-marshal\/cache\.bin/,
  },
  {
    id: 'msgpack',
    name: 'msgpack.packb of a dict (str 8/16 with its length)',
    realWorld: 'a session file or a Fluentd buffer chunk',
    kind: 'unicode',
    script: py(`import msgpack
open(OUT + '/session.msgpack', 'wb').write(msgpack.packb({'password': s, 'n': 1}))`),
    where: /msgpack\/session\.msgpack/,
  },
  {
    id: 'cbor',
    name: 'cbor2.dumps of a dict (text string, major type 3)',
    realWorld: 'a COSE/WebAuthn-style config blob',
    kind: 'unicode',
    script: py(`import cbor2
open(OUT + '/cfg.cbor', 'wb').write(cbor2.dumps({'password': s}))`),
    where: /cbor\/cfg\.cbor/,
  },
  {
    id: 'bson',
    name: 'BSON (pymongo’s bson.encode): an int32 length, the UTF-8 string, a NUL',
    realWorld: 'a mongodump .bson file seeded into a test image',
    kind: 'unicode',
    script: py(`import bson
open(OUT + '/users.bson', 'wb').write(bson.encode({'user': 'app', 'password': s}))`),
    where: /bson\/users\.bson/,
  },
  {
    id: 'protobuf',
    name: 'protobuf Struct.SerializeToString (length-delimited strings)',
    realWorld: 'a serialized gRPC config or a TF/Bazel protobuf file',
    kind: 'unicode',
    script: py(`from google.protobuf import struct_pb2
m = struct_pb2.Struct(); m.update({'password': s})
open(OUT + '/cfg.pb', 'wb').write(m.SerializeToString())`),
    where: /protobuf\/cfg\.pb/,
  },
  {
    id: 'go-gob',
    name: 'Go encoding/gob of a struct (a string as its length and bytes)',
    realWorld: 'a Go service’s on-disk cache or session store',
    kind: 'unicode',
    script: go(
      `package main
import ("encoding/gob"; "os")
type Cfg struct { User, Password string }
func main() { s, _ := os.ReadFile("../secret"); f, _ := os.Create(os.Getenv("OUT") + "/cfg.gob"); gob.NewEncoder(f).Encode(Cfg{"app", string(s)}); f.Close() }`,
      'go run main.go',
    ),
    where: /go-gob\/cfg\.gob/,
  },
  {
    id: 'go-binary',
    name: 'a Go binary with the value compiled in (a package string, as -ldflags -X sets one)',
    realWorld: 'a CLI built with its API key stamped in at build time',
    kind: 'token',
    script: go(
      `package main
import "fmt"
var apiKey = ApiKey
func main() { fmt.Println(len(apiKey)) }`,
      `printf 'package main\\nconst ApiKey = %s\\n' "\\"$(cat ../secret)\\"" > key.go
go build -trimpath -o "$OUT/app" main.go key.go`,
    ),
    where: /go-binary\/app/,
  },
  {
    id: 'c-utf16',
    name: 'gcc: a char16_t literal (u"…") in .rodata, UTF-16LE among binary bytes',
    realWorld: 'a cross-platform C/C++ program (Qt, ICU, Windows-born code) holding its key as a wide string',
    kind: 'token',
    script: `printf '#include <uchar.h>\\n#include <stdio.h>\\nconst char16_t *key = u"%s";\\nint main(void) { printf("%%p", (void *)key); return 0; }\\n' "$S" > main.c
gcc -O2 -o "$OUT/app" main.c`,
    where: /c-utf16\/app/,
  },
  {
    id: 'hadoop-snappy',
    name: 'Hadoop SnappyCodec framing (python-snappy hadoop_snappy): big-endian lengths before each raw snappy block',
    realWorld: 'a Hadoop/Spark output file (.snappy) copied into a data image',
    kind: 'token',
    script:
      py(`import io, snappy.hadoop_snappy as h
line = b'2026-01-01T00:00:00Z INFO request served in 3 ms\\n'
body = bytearray((line * 8000)[:300000])
tok = ('TOKEN=' + s + '\\n').encode()
body[262144 - 10:262144 - 10 + len(tok)] = tok
h.stream_compress(io.BytesIO(bytes(body)), open(OUT + '/part-00000.snappy', 'wb'))`) + `\n! grep -qF "$S" "$OUT/part-00000.snappy"`,
    where: /hadoop-snappy\/part-00000\.snappy/,
  },
  {
    id: 'snappy-java',
    name: 'snappy-java’s SnappyOutputStream (\\x82SNAPPY header, big-endian lengths, raw snappy blocks)',
    realWorld: 'a Kafka/Spark spill or a Java cache compressed by snappy-java',
    kind: 'token',
    script: `cat > W.java <<'JEOF'
import java.nio.file.*;
public class W { public static void main(String[] a) throws Exception {
  String s = Files.readString(Path.of("secret"));
  byte[] line = "2026-01-01T00:00:00Z INFO request served in 3 ms\\n".getBytes("UTF-8");
  byte[] b = new byte[50000];
  for (int i = 0; i < b.length; i++) b[i] = line[i % line.length];
  byte[] tok = ("TOKEN=" + s + "\\n").getBytes("UTF-8");
  System.arraycopy(tok, 0, b, 32768 - 10, tok.length);
  try (var o = new org.xerial.snappy.SnappyOutputStream(Files.newOutputStream(Path.of(System.getenv("OUT"), "spill.snappy")))) { o.write(b); }
} }
JEOF
java -cp /usr/share/java/snappy-java.jar W.java
! grep -qF "$S" "$OUT/spill.snappy"`,
    where: /snappy-java\/spill\.snappy/,
  },
  {
    id: 'php-gzdeflate',
    name: 'PHP gzdeflate: raw deflate, no header, in a cache file',
    realWorld: 'a PHP application’s compressed cache entry (gzdeflate/serialize)',
    kind: 'token',
    script: `php -r '$s = file_get_contents("secret"); file_put_contents(getenv("OUT") . "/cache.bin", gzdeflate(serialize(["db" => ["password" => $s, "host" => "db.internal"]]), 9));'
! grep -qF "$S" "$OUT/cache.bin"`,
    where: /php-gzdeflate\/cache\.bin/,
  },
  {
    id: 'sqlite-overflow',
    name: 'sqlite3: a row larger than a page, the value across the end of the cell’s part on its page and its first overflow page',
    realWorld: 'an app database whose settings row holds a large JSON blob with a credential inside',
    kind: 'long',
    script: `x=$(head -c 600 /dev/zero | tr '\\0' x)
for pad in $(seq 3900 37 4500); do rm -f "$OUT/app.db"
  printf 'CREATE TABLE cfg(k TEXT, v TEXT);\\nINSERT INTO cfg VALUES(%s, %s);\\n' "'settings'" "'{\\"notes\\": \\"$x\\", \\"token\\": \\"$S\\", \\"more\\": \\"$(head -c $pad /dev/zero | tr '\\0' y)\\"}'" | sqlite3 "$OUT/app.db"
  grep -qF "$S" "$OUT/app.db" || break
done
! grep -qF "$S" "$OUT/app.db"`,
    where: /sqlite-overflow\/app\.db/,
  },
  {
    id: 'eml-attachment',
    name: 'Python email: a text attachment in MIME base64 folded at 76 columns, inside a .eml',
    realWorld: 'a notification mail saved by a build step (the report attached)',
    kind: 'long',
    script:
      py(`from email.message import EmailMessage
m = EmailMessage(); m['From'] = 'ci@example.com'; m['To'] = 'ops@example.com'; m['Subject'] = 'build report'
m.set_content('see attached')
m.add_attachment(('report\\n' * 20 + 'SERVICE_KEY=' + s + '\\n').encode(), maintype='application', subtype='octet-stream', filename='report.txt')
open(OUT + '/report.eml', 'wb').write(bytes(m))`) + `\n! grep -qF "$S" "$OUT/report.eml"`,
    where: /eml-attachment\/report\.eml/,
  },
  {
    id: 'java-properties',
    name: 'java.util.Properties.store: non-ASCII as \\uXXXX, = : # ! escaped',
    realWorld: 'application.properties written by a Java tool (Properties.store)',
    kind: 'props',
    script: `cat > P.java <<'JEOF'
import java.nio.file.*; import java.util.*;
public class P { public static void main(String[] a) throws Exception {
  Properties p = new Properties(); p.setProperty("db.password", Files.readString(Path.of("secret")));
  try (var o = Files.newOutputStream(Path.of(System.getenv("OUT"), "app.properties"))) { p.store(o, null); }
} }
JEOF
java P.java`,
    where: /java-properties\/app\.properties/,
  },
  {
    id: 'tar-name',
    name: 'a file whose name is the value (the layer’s tar header)',
    realWorld: 'a cache directory keyed by the token (…/tokens/<token>.json)',
    kind: 'alnum',
    script: `mkdir -p "$OUT/cache"; echo '{}' > "$OUT/cache/$S.json"`,
    where: /tar-name\//,
  },
  {
    id: 'tar-symlink',
    name: 'a symlink whose target holds the value (the layer’s tar header, linkname)',
    realWorld: 'a link made by a script from a variable it should not have used',
    kind: 'alnum',
    script: `ln -s "/run/keys/$S" "$OUT/current-key"`,
    where: /tar-symlink\//,
  },
  {
    id: 'tar-xattr',
    name: 'tar --xattrs --format=posix: a user xattr holding the value in a PAX header (a nested tar)',
    realWorld: 'a backup tarball of files tagged by a tool with a user.* attribute',
    kind: 'token',
    // The attribute set by Python's os.setxattr (setfattr is not installed everywhere; it also took the value in argv).
    script: `mkdir d; echo hi > d/f; python3 -c 'import os; os.setxattr("d/f", "user.token", open("secret", "rb").read())'
tar --xattrs --format=posix -cf "$OUT/backup.tar" d`,
    where: /tar-xattr\/backup\.tar/,
  },
  {
    id: 'tar-pax-name',
    name: 'tar --format=posix: a long name holding the value in a PAX path record (a nested tar)',
    realWorld: 'a tarball of a token-keyed cache',
    kind: 'alnum',
    script: `mkdir -p "d/cache/$S-with-a-long-suffix-for-pax-$(printf 'x%.0s' $(seq 1 80))"; echo hi > "d/cache/$S-with-a-long-suffix-for-pax-$(printf 'x%.0s' $(seq 1 80))/f"
tar --format=posix -cf "$OUT/cache.tar" d`,
    where: /tar-pax-name\/cache\.tar/,
  },
  {
    id: 'eml-rfc2047',
    name: 'Python email: a header with non-ASCII text as RFC 2047 encoded words, folded across lines',
    realWorld: 'a saved mail whose custom header carries a credential',
    kind: 'unicode',
    script:
      py(`from email.message import EmailMessage
from email import policy
m = EmailMessage(policy=policy.SMTP); m['From'] = 'ci@example.com'; m['To'] = 'ops@example.com'
m['Subject'] = 'Zugangsdaten für den Dienst und weitere Informationen ' + s
m.set_content('see subject')
open(OUT + '/mail.eml', 'wb').write(bytes(m))`) + `\n! grep -qF "$S" "$OUT/mail.eml"`,
    where: /eml-rfc2047\/mail\.eml/,
  },
];

/** Still missed: none since RFC 2047's words are joined (round 5, rfc2047.ts); kept for the next gap found. */
export const variant4Gaps: Variant[] = [];
