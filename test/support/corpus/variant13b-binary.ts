/**
 * Round 13b's binary artifacts (issue 28): what build tools and package managers leave in an image that no earlier
 * round made — a git bundle, a pack whose value sits only in an aggressive delta, a partial clone's promisor pack,
 * static libraries (ar) of objects whose debug sections are compressed (zstd and zlib), a Rust dylib's and rlib's crate
 * metadata, LLVM bitcode from rustc (an rlib built with -C linker-plugin-lto, a --emit=llvm-bc file), an xdelta3 patch,
 * a Spring-Boot-style jar whose nested BOOT-INF/lib jar is deflated, pip's HTTP cache (a wheel inside a cachecontrol
 * record), a setuptools egg, and Go's build cache. Each is made by the real tool; the value is placed as a pipeline
 * places it (an app's env file, a config property, a program's constant, a header's macro).
 */
import type { Variant } from './variant-text.js';
import { awaitReady } from './waits.js';

/** A git repository `app` whose .env held the value in one commit and not in the next (the working tree clean of it). */
const gitHistory = `git init -q -b main app && cd app && seq 1 3000 | sed 's/^/LINE_/' > data.txt && printf 'API_TOKEN=%s\\n' "$S" > .env
git add -A && git commit -qm init && git rm -q .env && git commit -qm 'rm .env'`;

/** A header whose macro holds the value and `n` C files including it, built with -g3 (the macro only in .debug_str/.debug_macro). */
const cObjects = (cc: string) => `printf '#define API_TOKEN "%s"\\n' "$S" > token.h
for i in 1 2 3; do printf '#include "token.h"\\nint f%d(int x) { return x * %d; }\\n' $i $i > f$i.c; ${cc} -c f$i.c -o f$i.o; done`;

/** A setuptools project `acme` whose settings module holds the value (setup.py, built by the distribution's python3). */
const pyProject = `mkdir -p pkg/acme && printf 'API_TOKEN = "%s"\\n' "$S" > pkg/acme/settings.py && : > pkg/acme/__init__.py
seq 1 2000 | sed 's/^/# line /' >> pkg/acme/settings.py
printf 'from setuptools import setup\\nsetup(name="acme", version="1.0", packages=["acme"])\\n' > pkg/setup.py`;

export const variant13bBinary: Variant[] = [
  {
    id: 'git-bundle',
    name: 'git bundle create --all: a v2 bundle (ref list, then one pack) of a history whose first commit held an .env',
    realWorld: "a repository's history shipped into an air-gapped build as a bundle file (git bundle create repo.bundle --all)",
    kind: 'token',
    script: `${gitHistory}
git bundle create -q "$OUT/app.bundle" --all && ! grep -F "$S" "$OUT/app.bundle" > /dev/null`,
    where: /git-bundle\/app\.bundle/,
  },
  {
    id: 'git-aggressive-delta',
    name: 'git gc --aggressive with pack.compression=9: the value only in the insert of a delta (the older version of a config file against the newer)',
    realWorld: 'a checkout (COPY . .) whose config file once held a token, the history repacked by git gc --aggressive',
    kind: 'token',
    script: `git init -q -b main app && cd app && seq 1 4000 | sed 's/^/setting_/' > app.conf && git add -A && git commit -qm v1
{ seq 1 2000 | sed 's/^/setting_/'; printf 'api_token=%s\\n' "$S"; seq 2001 4000 | sed 's/^/setting_/'; } > app.conf && git commit -qam v2
seq 1 4001 | sed 's/^/setting_/' > app.conf && git commit -qam v3
git -c pack.compression=9 gc -q --aggressive && ! grep -rqaF "$S" . && cd .. && cp -a app "$OUT/"`,
    where: /git-aggressive-delta\/app\/\.git\/objects\/pack\//,
  },
  {
    id: 'git-partial-clone',
    name: 'git clone --filter=blob:none, then a blob fetched on demand (git show HEAD~1:.env): a promisor pack holding it',
    realWorld: 'a CI checkout made as a partial clone, a step reading an old file (git show) before the image is built',
    kind: 'token',
    script: `${gitHistory} && cd ..
git -c protocol.file.allow=always clone -q --filter=blob:none --no-local "file://$PWD/app" clone && cd clone && git show HEAD~1:.env > /dev/null
! grep -rqaF "$S" . && cd .. && cp -a clone "$OUT/app"`,
    where: /git-partial-clone\/app\/\.git\/objects\/pack\//,
  },
  {
    id: 'ar-debug-zstd',
    name: 'ar rcs of objects built with gcc -g3, each compressed by objcopy --compress-debug-sections=zstd: the macro in a zstd ELF section of an ar member',
    realWorld: "a static library (libapp.a) of a C project built with debug info and a generated config header, left in a builder image's /usr/local/lib",
    kind: 'token',
    script: `${cObjects('gcc -g3 -O0')}
for o in f1.o f2.o f3.o; do objcopy --compress-debug-sections=zstd $o; done
ar rcs "$OUT/libapp.a" f1.o f2.o f3.o && ! grep -F "$S" "$OUT/libapp.a" > /dev/null`,
    where: /ar-debug-zstd\/libapp\.a/,
  },
  {
    id: 'ar-debug-zlib',
    name: 'ar rcs of objects built with gcc -g3 -gz=zlib (the assembler compresses .debug_* as SHF_COMPRESSED zlib): the macro in an ar member',
    realWorld: 'a static library built with -gz (as some distributions build theirs) in a builder image',
    kind: 'token',
    script: `${cObjects('gcc -g3 -O0 -gz=zlib')}
ar rcs "$OUT/libapp.a" f1.o f2.o f3.o && ! grep -F "$S" "$OUT/libapp.a" > /dev/null`,
    where: /ar-debug-zlib\/libapp\.a/,
  },
  {
    id: 'rust-dylib',
    name: "rustc --crate-type dylib: a Rust shared library whose crate metadata (.rustc section) holds an exported const's value",
    realWorld: 'a Rust dylib (libacme.so) built in a builder image, its public API key constant never used in its own code',
    kind: 'token',
    script: `printf 'pub const API_TOKEN: &str = "%s";\\npub fn f() -> usize { 1 }\\n' "$S" > lib.rs
/usr/bin/rustc --edition 2021 --crate-type dylib -C prefer-dynamic --crate-name acme -O lib.rs -o "$OUT/libacme.so" 2> /dev/null`,
    where: /rust-dylib\/libacme\.so/,
  },
  {
    id: 'rust-rlib',
    name: "rustc --crate-type rlib: an ar archive whose lib.rmeta holds an exported const's value",
    realWorld: "cargo's target/release/deps/libacme-*.rlib left in a builder image",
    kind: 'token',
    script: `printf 'pub const API_TOKEN: &str = "%s";\\npub fn f() -> usize { 1 }\\n' "$S" > lib.rs
/usr/bin/rustc --edition 2021 --crate-type rlib --crate-name acme -O lib.rs -o "$OUT/libacme.rlib" 2> /dev/null`,
    where: /rust-rlib\/libacme\.rlib/,
  },
  {
    id: 'rust-lto-rlib',
    name: 'rustc --crate-type rlib -C linker-plugin-lto: an rlib (ar) whose object is LLVM bitcode, the string constant a record of char6 fields packed at bit offsets',
    realWorld: "cargo's target/release/deps/libacme-*.rlib of a crate built for cross-language LTO (RUSTFLAGS=-Clinker-plugin-lto), left in a builder image",
    kind: 'token',
    script: `printf '#[inline(never)]\\npub fn token() -> &%sstatic str { "%s" }\\n' "'" "$S" > lib.rs
/usr/bin/rustc --edition 2021 --crate-type rlib -C linker-plugin-lto -O --crate-name acme lib.rs -o "$OUT/libacme.rlib" 2> /dev/null && ! grep -F "$S" "$OUT/libacme.rlib" > /dev/null`,
    where: /rust-lto-rlib\/libacme\.rlib/,
  },
  {
    id: 'rust-emit-llvm-bc',
    name: 'rustc --emit=llvm-bc: a raw LLVM bitcode file (BC C0 DE), the string constant in a CONSTANTS block record',
    realWorld: 'a .bc file left in target/ by a build that emits bitcode for analysis or fuzzing (cargo rustc -- --emit=llvm-bc)',
    kind: 'token',
    script: `printf '#[inline(never)]\\npub fn token() -> &%sstatic str { "%s" }\\n' "'" "$S" > lib.rs
/usr/bin/rustc --edition 2021 --crate-type rlib -O --emit=llvm-bc --crate-name acme lib.rs -o "$OUT/acme.bc" 2> /dev/null && ! grep -F "$S" "$OUT/acme.bc" > /dev/null`,
    where: /rust-emit-llvm-bc\/acme\.bc/,
  },
  {
    id: 'boot-jar-nested',
    name: 'jar --create of a Spring-Boot-style layout: BOOT-INF/lib/config.jar (deflated, method 8) whose application.properties holds the value',
    realWorld: 'a Spring Boot fat jar (app.jar) with a nested library jar carrying an application.properties',
    kind: 'token',
    script: `mkdir -p inner boot/BOOT-INF/lib && printf 'api.token=%s\\n' "$S" > inner/application.properties && seq 1 2000 | sed 's/^/app.k/;s/$/=v/' >> inner/application.properties
jar --create --file boot/BOOT-INF/lib/config.jar -C inner . && jar --create --file "$OUT/app.jar" -C boot . && ! grep -F "$S" "$OUT/app.jar" > /dev/null`,
    where: /boot-jar-nested\/app\.jar/,
  },

  {
    id: 'pip-http-cache',
    name: "pip download from an HTTP index (a static index sending Cache-Control: max-age, as devpi and Artifactory do): pip's HTTP cache (cachecontrol) record holding the whole wheel",
    realWorld: '~/.cache/pip/http of a builder image after pip installed from a private index (a package with a baked-in settings module)',
    kind: 'token',
    script: `${pyProject}
/usr/bin/python3 -m pip wheel -q --no-deps --no-build-isolation --no-index -w idx/simple/acme ./pkg > /dev/null 2>&1
P=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > serve.py <<'PY'
import functools, http.server, sys
class H(http.server.SimpleHTTPRequestHandler):
    def end_headers(self):
        self.send_header('Cache-Control', 'max-age=600')
        super().end_headers()
    def log_message(self, *a):
        pass
http.server.ThreadingHTTPServer(('127.0.0.1', int(sys.argv[1])), functools.partial(H, directory='idx')).serve_forever()
PY
/usr/bin/python3 serve.py "$P" > /dev/null 2>&1 & SRV=$!
trap 'kill $SRV' EXIT
${awaitReady('curl -s -o /dev/null "http://127.0.0.1:$P/"', '$SRV', 'the package index')}
/usr/bin/python3 -m pip download -q --no-deps --trusted-host 127.0.0.1 --cache-dir "$OUT/pip" -i "http://127.0.0.1:$P/simple/" -d dl acme > /dev/null 2>&1
test -n "$(find "$OUT/pip/http" -type f)" && ! grep -rqaF "$S" "$OUT/pip"`,
    where: /pip-http-cache\/pip\/http\//,
  },
  {
    id: 'python-egg',
    name: 'python3 setup.py bdist_egg: an egg (a zip, deflated) whose settings module holds the value',
    realWorld: 'a legacy Python package built as an egg and installed with easy_install in an old image',
    kind: 'token',
    script: `${pyProject}
(cd pkg && /usr/bin/python3 setup.py -q bdist_egg > /dev/null 2>&1) && cp pkg/dist/*.egg "$OUT/" && ! grep -F "$S" "$OUT/"*.egg > /dev/null`,
    where: /python-egg\/acme-1\.0-py\d\.\d+\.egg/,
  },
  {
    id: 'xdelta3-patch',
    name: 'xdelta3 -e -s: a VCDIFF patch adding a config line that holds the value (the instruction section secondary-compressed as xz, the added bytes as they are: a guard)',
    realWorld: 'a delta update (app.conf.vcdiff) shipped in an image to patch a configuration or an asset in place',
    kind: 'token',
    script: `seq 1 20000 | sed 's/^/setting_/' > old.conf && { seq 1 10000 | sed 's/^/setting_/'; printf 'api_token=%s\\n' "$S"; seq 10001 20000 | sed 's/^/setting_/'; } > new.conf
xdelta3 -e -f -9 -s old.conf new.conf "$OUT/app.conf.vcdiff"`,
    where: /xdelta3-patch\/app\.conf\.vcdiff/,
  },
  {
    id: 'go-build-cache',
    name: "go build with GOCACHE in the image: the build cache's compiled package archive (-d entry) holding a const's value",
    realWorld: "a Go builder stage's /root/.cache/go-build copied into the final image by a broad COPY",
    kind: 'token',
    script: `mkdir -p gp && cd gp && printf 'package main\\n\\nconst apiToken = "%s"\\n\\nfunc main() { println(len(apiToken), apiToken[:1]) }\\n' "$S" > main.go
export GOPATH="$PWD/.gopath" GOCACHE="$OUT/go-build" GOTOOLCHAIN=local CGO_ENABLED=0 GO111MODULE=off
go build -o /dev/null main.go`,
    where: /go-build-cache\/go-build\//,
  },
];

/**
 * The round's findings at its start (the shipped bundle, dist/ at 3d5f213): 14 artifacts — 12 found, 2 missed in
 * silence (no finding, leaky or clean), none named as not audited, no false finding on a clean twin. Missed:
 * rust-lto-rlib and rust-emit-llvm-bc (LLVM bitcode: a string constant is a record of char6 or 7/8-bit fields packed at
 * bit offsets, in no byte; read since: llvm-bitcode.ts, claimed by its magic and first block). Found from the start (a
 * regression guard each): the git bundle, the aggressive delta and the promisor pack (gitpack), the static libraries'
 * compressed debug sections (ar, then ELF), the dylib's and rlib's plain crate metadata, the nested deflated jar, pip's
 * cachecontrol record (the wheel's zip inside it), the egg, Go's build cache and the VCDIFF patch (its added bytes as
 * they are). Tried and left out as plain (the value in the file as it is, no decoding to guard): jlink --compress=1
 * (string sharing keeps a class's own constants whole), a JDK dynamic CDS archive, gcc -flto objects.
 *
 * No known gaps: each miss was read by the end of the round.
 */
const GAPS = new Set<string>([]);

/** Every round-13b binary artifact the audit finds. */
export const variant13bBinaryFound: Variant[] = variant13bBinary.filter((a) => !GAPS.has(a.id));

/** The known gaps. */
export const variant13bBinaryGaps: Variant[] = variant13bBinary.filter((a) => GAPS.has(a.id));
