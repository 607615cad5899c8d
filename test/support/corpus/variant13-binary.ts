/**
 * The thirteenth round's binary artifacts (issue 28): stores, packages, firmware and documents a Linux image carries
 * that no earlier round made — Kyoto Cabinet hash, B+ tree and directory databases with compressed records, a Tokyo
 * Cabinet hash database with its own BWT coder (TCBS), B+ tree ones whose pages are deflated or TCBS and a table one,
 * 7z archives with a Delta and a SPARC filter, PDFs by Ghostscript with LZW and ASCII85 page streams and one whose link
 * sits in a compressed object stream (qpdf), an escript archive and a beam compiled +compressed, systemd journals whose
 * DATA objects are LZ4 (one in compact mode) and xz, U-Boot legacy images (an lzma and a gzip initrd, a boot script)
 * and FIT images (an lzma initrd inside and after the tree), rpms with lzma and bzip2 payloads, an offline apt bundle
 * (.debs in a tar.zst), an SQLite archive (sqlite3 -A), a Mercurial bundle (zstd-v2) and a bzip2 stream of several
 * blocks. Each is made by the real tool; the value is placed as a pipeline places it (an app's env file, a config
 * record, a program's constant, a link, a log message).
 */
import { appEnv, sevenZip } from './variant-round.js';
import type { Variant } from './variant-text.js';

/** load.tsv: `n` user records (keys zero-padded, so that a B+ tree's pages fill in order) and a config record holding the value. */
const records = (n: number) => `{ for i in $(seq 1 ${n}); do printf 'user:%05d\\t{"id":%d,"name":"user-%d","role":"reader"}\\n' $i $i $i; done
  printf 'config\\t{"api_token":"%s","endpoint":"https://api.example.com","retries":3,"timeout":30}\\n' "$S"; } > load.tsv`;

/** notes.ps: a PostScript page that shows the value on its second line. */
const notesPs = `{ printf '%%!PS\\n/Helvetica findfont 10 scalefont setfont\\n72 720 moveto (Service account for the staging deploy:) show\\n72 700 moveto (API_TOKEN='; cat secret; printf ') show\\n72 680 moveto (Rotate it every 90 days.) show\\nshowpage\\n'; } > notes.ps`;

/** gs pdfwrite of notes.ps with `opts`, into $OUT/notes.pdf. */
const gsPdf = (opts: string) =>
  `${notesPs}\ngs -q -dNOPAUSE -dBATCH -dSAFER -sDEVICE=pdfwrite ${opts} -sOutputFile="$OUT/notes.pdf" notes.ps && ! grep -F "$S" "$OUT/notes.pdf" > /dev/null`;

/** A journal file written by systemd-journal-remote from export format, DATA objects compressed with `c` (SYSTEMD_JOURNAL_COMPRESS). */
const journal = (
  c: string,
) => `{ printf '__REALTIME_TIMESTAMP=1700000000000000\\n__MONOTONIC_TIMESTAMP=1000\\n_BOOT_ID=0123456789abcdef0123456789abcdef\\n_HOSTNAME=build\\nSYSLOG_IDENTIFIER=app\\nMESSAGE=starting with config: API_TOKEN=%s ' "$S"; seq 1 600 | sed 's/^/LINE_/' | tr '\\n' ' '; printf '\\n\\n'; } > export.txt
SYSTEMD_JOURNAL_COMPRESS=${c} /lib/systemd/systemd-journal-remote -o "$OUT/app.journal" - < export.txt 2> remote.err
! grep -F "$S" "$OUT/app.journal" > /dev/null`;

/** A U-Boot legacy image (mkimage, 64-byte header) of an initrd (newc cpio of root/) compressed by `z` (its -C name `c`, its file suffix `x`). */
const uimage = (z: string, c: string, x: string) => `${appEnv}
(cd root && find . | cpio -o -H newc 2> /dev/null) > initrd.cpio && ${z} initrd.cpio
mkimage -A arm -O linux -T ramdisk -C ${c} -n initrd -d initrd.cpio.${x} "$OUT/uInitrd" > /dev/null && ! grep -F "$S" "$OUT/uInitrd" > /dev/null`;

/** rpmbuild -bb of a noarch package whose %config /etc/app/app.conf holds the value, its payload written by `payload`. */
const rpm = (
  payload: string,
) => `mkdir -p rpm/SOURCES rpm/SPECS && printf 'API_TOKEN=%s\\n' "$S" > rpm/SOURCES/app.conf && seq 1 3000 | sed 's/^/LINE_/' >> rpm/SOURCES/app.conf
cat > rpm/SPECS/app.spec <<'SPEC'
Name: app
Version: 1.0
Release: 1
Summary: app
License: MIT
BuildArch: noarch
%description
app
%install
mkdir -p %{buildroot}/etc/app && cp %{_sourcedir}/app.conf %{buildroot}/etc/app/app.conf
%files
%config(noreplace) /etc/app/app.conf
SPEC
rpmbuild --quiet --define "_topdir $PWD/rpm" --define '_binary_payload ${payload}' -bb rpm/SPECS/app.spec > /dev/null 2>&1
cp rpm/RPMS/noarch/app-1.0-1.noarch.rpm "$OUT/" && ! grep -F "$S" "$OUT/app-1.0-1.noarch.rpm" > /dev/null`;

export const variant13Binary: Variant[] = [
  {
    id: 'kyoto-hash-zlib',
    name: 'kchashmgr create -tc: a Kyoto Cabinet file hash database whose record values are compressed (ZLIB raw: deflate, no header)',
    realWorld: "a service's Kyoto Cabinet store (.kch: a cache, a session or a dictionary database) left in an image",
    kind: 'token',
    script: `${records(300)}\nkchashmgr create -tc "$OUT/cache.kch" && kchashmgr import "$OUT/cache.kch" load.tsv && ! grep -F "$S" "$OUT/cache.kch" > /dev/null`,
    where: /kyoto-hash-zlib\/cache\.kch/,
  },
  {
    id: 'kyoto-tree-zlib',
    name: 'kctreemgr create -tc: a Kyoto Cabinet file B+ tree database whose pages (records of its inner hash file) are compressed',
    realWorld: 'a Kyoto Cabinet tree database (.kct) of 3,000 records and a config record, kept by a service in its image',
    kind: 'token',
    script: `${records(3000)}\nkctreemgr create -tc "$OUT/cache.kct" && kctreemgr import "$OUT/cache.kct" load.tsv && ! grep -F "$S" "$OUT/cache.kct" > /dev/null`,
    where: /kyoto-tree-zlib\/cache\.kct/,
  },
  {
    id: 'tokyocabinet-tcbs',
    name: "tchmgr create -tt: a Tokyo Cabinet hash database whose records are TCBS (Tokyo Cabinet's own coder: BWT, move-to-front, Elias gamma)",
    realWorld: "a Tokyo Cabinet cache (.tch) made with the 'tt' option (HDBTTCBS) left in an image",
    kind: 'token',
    script: `${records(300)}\ntchmgr create -tt "$OUT/cache.tch" > /dev/null && tchmgr importtsv "$OUT/cache.tch" load.tsv && ! grep -F "$S" "$OUT/cache.tch" > /dev/null`,
    where: /tokyocabinet-tcbs\/cache\.tch/,
  },
  {
    id: 'tokyocabinet-btree-deflate',
    name: 'tcbmgr create -td: a Tokyo Cabinet B+ tree database whose leaf pages are raw deflate records of its inner hash file',
    realWorld: 'a Tokyo Cabinet B+ tree database (.tcb) of 3,000 records, deflate-compressed, left in an image',
    kind: 'token',
    script: `${records(3000)}\ntcbmgr create -td "$OUT/cache.tcb" > /dev/null && tcbmgr importtsv "$OUT/cache.tcb" load.tsv && ! grep -F "$S" "$OUT/cache.tcb" > /dev/null`,
    where: /tokyocabinet-btree-deflate\/cache\.tcb/,
  },
  {
    id: 'kyoto-dir-zlib',
    name: 'kcdirmgr create -tc: a Kyoto Cabinet directory database, each record a file of its own holding the whole record (magic, sizes, key, value) as raw deflate',
    realWorld: 'a Kyoto Cabinet directory database (.kcd) used as a cache by a service, one file a record',
    kind: 'token',
    script: `${records(300)}\nkcdirmgr create -tc "$OUT/cache.kcd" > /dev/null && kcdirmgr import "$OUT/cache.kcd" load.tsv > /dev/null && ! grep -rF "$S" "$OUT/cache.kcd" > /dev/null`,
    where: /kyoto-dir-zlib\/cache\.kcd\//,
  },
  {
    id: 'tokyocabinet-table',
    name: 'tctmgr create -td: a Tokyo Cabinet table database, each row (column names and values, NUL-separated) a raw deflate record',
    realWorld: 'a Tokyo Cabinet table database (.tct) behind a small service (Tokyo Tyrant-era stacks)',
    kind: 'token',
    script: `{ for i in $(seq 1 300); do printf 'user:%05d\\tname\\tuser-%d\\trole\\treader\\n' $i $i; done
  printf 'config\\tapi_token\\t%s\\tendpoint\\thttps://api.example.com\\n' "$S"; } > load.tsv
tctmgr create -td "$OUT/cache.tct" > /dev/null && tctmgr importtsv "$OUT/cache.tct" load.tsv && ! grep -F "$S" "$OUT/cache.tct" > /dev/null`,
    where: /tokyocabinet-table\/cache\.tct/,
  },
  {
    id: 'tokyocabinet-btree-tcbs',
    name: "tcbmgr create -tt: a Tokyo Cabinet B+ tree database whose pages are TCBS records (TC's own BWT coder)",
    realWorld: 'a Tokyo Cabinet B+ tree database (.tcb) made with the tt option, left in an image',
    kind: 'token',
    script: `${records(3000)}\ntcbmgr create -tt "$OUT/cache.tcb" > /dev/null && tcbmgr importtsv "$OUT/cache.tcb" load.tsv && ! grep -F "$S" "$OUT/cache.tcb" > /dev/null`,
    where: /tokyocabinet-btree-tcbs\/cache\.tcb/,
  },
  {
    id: 'tokyocabinet-bzip2',
    name: 'tchmgr create -tb: a Tokyo Cabinet hash database whose records are bzip2 streams',
    realWorld: 'a Tokyo Cabinet hash database made with the bzip2 option (HDBTBZIP)',
    kind: 'token',
    script: `${records(300)}\ntchmgr create -tb "$OUT/cache.tch" > /dev/null && tchmgr importtsv "$OUT/cache.tch" load.tsv && ! grep -F "$S" "$OUT/cache.tch" > /dev/null`,
    where: /tokyocabinet-bzip2\/cache\.tch/,
  },
  {
    id: 'gs-pdf-lzw',
    name: 'Ghostscript pdfwrite -dUseFlateCompression=false: the page text in an LZWDecode content stream',
    realWorld: 'a deployment report turned into PDF by ps2pdf with Flate switched off (PDF 1.2-era settings kept for old viewers)',
    kind: 'token',
    avoid: /[()\\]/,
    script: gsPdf('-dUseFlateCompression=false'),
    where: /gs-pdf-lzw\/notes\.pdf/,
  },
  {
    id: 'gs-pdf-ascii85',
    name: 'Ghostscript pdfwrite -dASCII85EncodePages=true: the page text in a content stream filtered /ASCII85Decode then /FlateDecode',
    realWorld: 'a PDF made 7-bit clean for mail or a text-only store (ps2pdf -dASCII85EncodePages=true)',
    kind: 'token',
    avoid: /[()\\]/,
    script: gsPdf('-dASCII85EncodePages=true'),
    where: /gs-pdf-ascii85\/notes\.pdf/,
  },
  {
    id: 'pdf-objstm-uri',
    name: 'qpdf --object-streams=generate of a Ghostscript PDF whose link (a /URI action with the token in its query) is then inside a compressed object stream',
    realWorld: 'a generated onboarding PDF with a login link carrying a token, optimized by qpdf (object streams, PDF 1.5+)',
    kind: 'token',
    avoid: /[()\\]/,
    script: `{ printf '%%!PS\\n/Helvetica findfont 10 scalefont setfont\\n72 720 moveto (Open the dashboard) show\\n[ /Rect [70 710 300 730] /Action << /Subtype /URI /URI ('; printf 'https://dash.example.com/login?token=%s' "$S"; printf ') >> /Border [0 0 0] /Subtype /Link /ANN pdfmark\\nshowpage\\n'; } > link.ps
gs -q -dNOPAUSE -dBATCH -dSAFER -sDEVICE=pdfwrite -sOutputFile=link.pdf link.ps
qpdf --object-streams=generate --compress-streams=y link.pdf "$OUT/link.pdf" && ! grep -F "$S" "$OUT/link.pdf" > /dev/null`,
    where: /pdf-objstm-uri\/link\.pdf/,
  },
  {
    id: 'escript-archive',
    name: 'escript:create with {archive, …}: a shebang and emulator-args header, then a zip of two .beam files, one holding the value',
    realWorld: 'an Erlang command-line tool shipped as one escript (rebar3 escriptize) with a credential compiled into its config module',
    kind: 'token',
    script: `printf -- '-module(app_main).\\n-export([main/1]).\\nmain(_) -> io:format("~s~n", [app_config:token()]).\\n' > app_main.erl
printf -- '-module(app_config).\\n-export([token/0]).\\ntoken() -> "%s".\\n' "$S" > app_config.erl
erlc app_main.erl app_config.erl
erl -noshell -eval '{ok, M} = file:read_file("app_main.beam"), {ok, C} = file:read_file("app_config.beam"), ok = escript:create(filename:join(os:getenv("OUT"), "app"), [shebang, {emu_args, "-escript main app_main"}, {archive, [{"app_main.beam", M}, {"app_config.beam", C}], []}]), halt().'
! grep -F "$S" "$OUT/app" > /dev/null`,
    where: /escript-archive\/app/,
  },
  {
    id: 'erlc-compressed',
    name: 'erlc +compressed: a .beam written gzip-compressed whole (the value a string literal in it)',
    realWorld: 'an Erlang release built with compressed beams (erl_opts [compressed]) to shrink the image',
    kind: 'token',
    script: `printf -- '-module(app_config).\\n-export([token/0]).\\ntoken() -> "%s".\\n' "$S" > app_config.erl
erlc +compressed -o "$OUT" app_config.erl && ! grep -F "$S" "$OUT/app_config.beam" > /dev/null`,
    where: /erlc-compressed\/app_config\.beam/,
  },
  {
    id: 'journal-lz4',
    name: 'systemd-journal-remote with SYSTEMD_JOURNAL_COMPRESS=lz4: a journal file whose long MESSAGE is an LZ4-compressed DATA object',
    realWorld: 'a journal file (/var/log/journal/…/system.journal) from a distribution whose journald compresses with LZ4, copied into an image',
    kind: 'token',
    script: journal('lz4'),
    where: /journal-lz4\/app\.journal/,
  },
  {
    id: 'journal-xz',
    name: 'systemd-journal-remote with SYSTEMD_JOURNAL_COMPRESS=xz: the same journal, its DATA object xz-compressed',
    realWorld: 'a journal file from an older systemd whose journald compressed with xz',
    kind: 'token',
    script: journal('xz'),
    where: /journal-xz\/app\.journal/,
  },
  {
    id: 'uimage-lzma',
    name: 'mkimage -T ramdisk -C lzma: a U-Boot legacy image (64-byte header) of an LZMA-alone initrd (no magic number)',
    realWorld: "an embedded board's uInitrd built in a firmware pipeline (Yocto, Buildroot) with a provisioning token in /etc",
    kind: 'token',
    script: uimage('lzma -9', 'lzma', 'lzma'),
    where: /uimage-lzma\/uInitrd/,
  },
  {
    id: 'uimage-gzip',
    name: 'mkimage -T ramdisk -C gzip: a U-Boot legacy image of a gzip initrd',
    realWorld: 'the same uInitrd, gzip-compressed (mkimage default for ramdisks)',
    kind: 'token',
    script: uimage('gzip -9 -n', 'gzip', 'gz'),
    where: /uimage-gzip\/uInitrd/,
  },
  {
    id: 'fit-lzma',
    name: 'mkimage -f auto -C lzma: a U-Boot FIT image (a flattened device tree, d00dfeed) whose images/…/data property is an LZMA-alone initrd',
    realWorld: 'a FIT image (initrd.itb, kernel.itb) of an embedded board, the format newer U-Boot builds use, with a provisioning token in /etc',
    kind: 'token',
    script: `${appEnv}
(cd root && find . | cpio -o -H newc 2> /dev/null) > initrd.cpio && lzma -9 initrd.cpio
mkimage -f auto -A arm -O linux -T ramdisk -C lzma -n initrd -d initrd.cpio.lzma "$OUT/initrd.itb" > /dev/null && ! grep -F "$S" "$OUT/initrd.itb" > /dev/null`,
    where: /fit-lzma\/initrd\.itb/,
  },
  {
    id: 'fit-external-lzma',
    name: 'mkimage -E -f auto -C lzma: a FIT image whose initrd is external data after the tree (data-offset, data-size), LZMA-alone',
    realWorld: 'a FIT image built with external data (mkimage -E, as large FITs and some vendor flows are) for an embedded board',
    kind: 'token',
    script: `${appEnv}
(cd root && find . | cpio -o -H newc 2> /dev/null) > initrd.cpio && lzma -9 initrd.cpio
mkimage -E -f auto -A arm -O linux -T ramdisk -C lzma -n initrd -d initrd.cpio.lzma "$OUT/initrd.itb" > /dev/null && ! grep -F "$S" "$OUT/initrd.itb" > /dev/null`,
    where: /fit-external-lzma\/initrd\.itb/,
  },
  {
    id: 'uimage-script',
    name: 'mkimage -T script: a U-Boot boot script image (boot.scr: the 64-byte header, a table of sizes, the script) whose bootargs hold the token',
    realWorld: "a board's boot.scr generated in a firmware pipeline that passes a provisioning token on the kernel command line",
    kind: 'token',
    script: `printf 'setenv bootargs console=ttyS0 provision.token=%s\\nbootm 0x82000000\\n' "$S" > boot.cmd
mkimage -A arm -O linux -T script -C none -n boot -d boot.cmd "$OUT/boot.scr" > /dev/null`,
    where: /uimage-script\/boot\.scr/,
  },
  {
    id: 'rpm-lzma',
    name: 'rpmbuild (_binary_payload w9.lzdio): an rpm whose payload is LZMA-alone (no magic number)',
    realWorld: 'an rpm built with the legacy lzma payload (Fedora 10–11 era build roots, some vendors still)',
    kind: 'token',
    script: rpm('w9.lzdio'),
    where: /rpm-lzma\/app-1\.0-1\.noarch\.rpm/,
  },
  {
    id: 'rpm-bzip2',
    name: 'rpmbuild (_binary_payload w9.bzdio): an rpm whose payload is bzip2',
    realWorld: 'an rpm built with a bzip2 payload (SUSE and older Red Hat build roots)',
    kind: 'token',
    script: rpm('w9.bzdio'),
    where: /rpm-bzip2\/app-1\.0-1\.noarch\.rpm/,
  },
  {
    id: 'deb-xz-in-tar-zst',
    name: 'dpkg-deb -Zxz --build, then tar --zstd of the .debs: an offline apt bundle whose package carries /etc/app/app.env',
    realWorld: 'an air-gapped install bundle (debs.tar.zst of .deb files) copied into an image and left there',
    kind: 'token',
    script: `${appEnv}
mkdir -p pkg/DEBIAN pkg/etc/app && cp root/etc/app/app.env pkg/etc/app/app.env
printf 'Package: app-config\\nVersion: 1.0\\nArchitecture: all\\nMaintainer: CI <ci@example.com>\\nDescription: app config\\n' > pkg/DEBIAN/control
mkdir -p debs && dpkg-deb --root-owner-group -Zxz --build pkg debs/app-config_1.0_all.deb > /dev/null
tar --zstd -cf "$OUT/debs.tar.zst" debs && ! grep -F "$S" "$OUT/debs.tar.zst" > /dev/null`,
    where: /deb-xz-in-tar-zst\/debs\.tar\.zst/,
  },
  sevenZip({
    id: '7z-delta',
    flags: '-mf=Delta:4',
    name: '7zz a -mf=Delta:4: a 7z archive whose folder is Delta (distance 4) then LZMA2',
    realWorld: 'a 7z backup made with a delta filter (as for tables of fixed-width records or raw samples)',
  }),
  sevenZip({
    id: '7z-sparc',
    flags: '-mf=SPARC',
    name: '7zz a -mf=SPARC: a 7z archive whose folder is the SPARC branch filter then LZMA2',
    realWorld: 'a 7z archive made with a branch filter forced for every file (-mf=SPARC, PPC, IA64, ARMT)',
  }),
  {
    id: 'journal-compact-lz4',
    name: 'systemd-journal-remote with SYSTEMD_JOURNAL_COMPACT=1 and lz4: a compact-mode journal (32-bit offsets) whose MESSAGE is LZ4',
    realWorld: 'a journal file written by systemd 252+ in compact mode',
    kind: 'token',
    script: `{ printf '__REALTIME_TIMESTAMP=1700000000000000\\n__MONOTONIC_TIMESTAMP=1000\\n_BOOT_ID=0123456789abcdef0123456789abcdef\\n_HOSTNAME=build\\nSYSLOG_IDENTIFIER=app\\nMESSAGE=starting with config: API_TOKEN=%s ' "$S"; seq 1 600 | sed 's/^/LINE_/' | tr '\\n' ' '; printf '\\n\\n'; } > export.txt
SYSTEMD_JOURNAL_COMPACT=1 SYSTEMD_JOURNAL_COMPRESS=lz4 /lib/systemd/systemd-journal-remote -o "$OUT/app.journal" - < export.txt 2> remote.err
! grep -F "$S" "$OUT/app.journal" > /dev/null`,
    where: /journal-compact-lz4\/app\.journal/,
  },
  {
    id: 'sqlar',
    name: 'sqlite3 -Ac: an SQLite archive (sqlar table) whose rows are zlib-compressed files',
    realWorld: 'a deployment bundle shipped as an SQLite archive (sqlite3 -A, fossil uv) with the config inside',
    kind: 'token',
    script: `${appEnv} && (cd root && sqlite3 "$OUT/etc.sqlar" -Ac etc) && ! grep -F "$S" "$OUT/etc.sqlar" > /dev/null`,
    where: /sqlar\/etc\.sqlar/,
  },
  {
    id: 'hg-bundle-zstd',
    name: 'hg bundle -a -t zstd-v2: a Mercurial bundle2 whose changegroup is one zstd stream',
    realWorld: "a Mercurial repository's history exported as a bundle (hg bundle --all) for a build image",
    kind: 'token',
    script: `export HOME="$PWD" HGUSER='CI <ci@example.com>'
hg init repo && cd repo && printf 'API_TOKEN=%s\\n' "$S" > app.env && seq 1 3000 | sed 's/^/LINE_/' >> app.env
hg add -q app.env && hg commit -q -m config && hg bundle -q -a -t zstd-v2 "$OUT/all.hg" && ! grep -F "$S" "$OUT/all.hg" > /dev/null`,
    where: /hg-bundle-zstd\/all\.hg/,
  },
  {
    id: 'bzip2-blocks',
    name: 'bzip2 -1: a 400 KB dump in 100 kB blocks of one stream, the value across the first block boundary',
    realWorld: 'a database dump (dump.sql.bz2) compressed by bzip2 with small blocks',
    kind: 'token',
    script: `/usr/bin/python3 - <<'PY'
s = open('secret', encoding='utf-8').read()
lines = ''.join('INSERT INTO users VALUES (%d, \\'user-%d\\', \\'%08x\\');\\n' % (i, i, (i * 2654435761) % 2**32) for i in range(9000))
head = lines.encode()[: 99990 - 12 - len(s.encode()) // 2]
body = head + b'\\n-- token: ' + s.encode() + b'\\n' + lines.encode()
open('dump.sql', 'wb').write(body)
PY
bzip2 -1 -k dump.sql && cp dump.sql.bz2 "$OUT/" && ! grep -F "$S" "$OUT/dump.sql.bz2" > /dev/null`,
    where: /bzip2-blocks\/dump\.sql\.bz2/,
  },
];

/**
 * The round's findings at its start (the shipped bundle, dist/ at 3d5f213): 29 artifacts — 17 found, 9 missed in
 * silence (no finding, leaky or clean), 3 named as not audited on both images, no false finding on a clean twin.
 * Missed: kyoto-hash-zlib, kyoto-tree-zlib (no reader of Kyoto Cabinet's file: raw deflate values behind its own record
 * headers; read since: kyoto-cabinet.ts), kyoto-dir-zlib (each record file raw deflate of a record that opens with
 * binary bytes, which the deflate-raw trial refuses for not inflating to text; read since: kyoto-dir.ts, claimed by a
 * hex name that is the record's key), tokyocabinet-btree-deflate, tokyocabinet-btree-tcbs and tokyocabinet-table
 * (tokyo-cabinet.ts claimed only the hash type; the B+ tree and table types are the same hash file: read since),
 * uimage-lzma (LZMA-alone 64 bytes into the file, no magic a search inside finds; read since: uimage.ts gives the
 * payload as a content of its own), fit-lzma and fit-external-lzma (the same payload as a device tree property, or
 * after the tree; read since: fdt.ts). Named: tokyocabinet-tcbs (TC's own BWT coder; decoded since: tcbs.ts), 7z-delta
 * and 7z-sparc (7z coders the audit did not read; read since: sevenzip-coders.ts with delta.ts and bcj.ts, which
 * reverses PowerPC and SPARC for xz blocks too). Found from the start (a regression guard each: a magic number the
 * search inside finds — bzip2, xz, zstd, gzip, zlib, LZ4 in a journal (compact or not), a zip behind a shebang —,
 * Ghostscript's LZW and ASCII85 streams, qpdf's object streams, an rpm's LZMA-alone payload as rpm.ts opens it, a boot
 * script's plain text): the others.
 *
 * No known gaps: each miss was read by the end of the round.
 */
const GAPS = new Set<string>([]);

/** Every round-13 binary artifact the audit finds. */
export const variant13BinaryFound: Variant[] = variant13Binary.filter((a) => !GAPS.has(a.id));

/** The known gaps. */
export const variant13BinaryGaps: Variant[] = variant13Binary.filter((a) => GAPS.has(a.id));
