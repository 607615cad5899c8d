/**
 * The eleventh round's binary artifacts (issue 28): what a Linux image carries that no earlier round
 * opened — a ccache directory (ccache's own header, then zstd), an LHA archive (-lh5-), a LevelDB
 * (snappy tables, as a Chrome profile holds), an LMDB and a Berkeley DB hash file, flash file systems
 * (UBIFS with LZO data nodes and the value across a 4 KiB block, a UBI image of a zstd UBIFS, JFFS2
 * with zlib nodes, big-endian JFFS2 with the value across a 4 KiB page), an rpm with a zstd payload,
 * a pacman package (.pkg.tar.zst with its gzip'd .MTREE), a xar archive, and parallel compressors'
 * many streams (pbzip2, plzip) with the value across their boundary; and, to be named
 * (`variant11Named`), Windows images (wimcapture: LZX and XPRESS chunks), a zpaq journal and an lrzip
 * file. Each is made by the real tool; the value is placed as a pipeline places it.
 */
import { appEnv } from './variant-round.js';
import type { Variant } from './variant-text.js';

/** ~`n` lines of text (a counter in hex and a run of x's) in `path`, the value's line centred on character `at`. */
const across = (path: string, at: number, n: number) => `/usr/bin/python3 - <<'EOF'
lines = ''.join('%08x %s\\n' % (i * 2654435761 % 2**32, 'x' * (i * 7 % 40 + 1)) for i in range(${n}))
s = open('secret', encoding='utf-8').read()
t = 'TOKEN=' + s + '\\n'
at = ${at} - len(t) // 2
open('${path}', 'w', encoding='utf-8').write(lines[:at] + t + lines[at:])
EOF`;

export const variant11Binary: Variant[] = [
  {
    id: 'ccache-zstd',
    name: 'ccache 4 (CCACHE_DIR): the object of a C file whose string constant is the token, in a result file (ccache header, then zstd)',
    realWorld: "a builder image's ~/.cache/ccache kept after `ccache gcc` compiled a file with an embedded credential",
    kind: 'token',
    script: `mkdir -p src && printf 'const char *api_token = "%s";\\nint main(void) { return api_token[0]; }\\n' "$S" > src/app.c
export CCACHE_DIR="$OUT/ccache" CCACHE_NOHASHDIR=1 HOME="$PWD"
ccache gcc -c src/app.c -o app.o && rm -rf "$OUT/ccache/tmp" && find "$OUT/ccache" -name '*R' > results && test -s results
! grep -rF "$S" "$OUT/ccache" > /dev/null`,
    where: /ccache-zstd\/ccache\/.+R(@|$)/,
  },
  {
    id: 'lha-lh5',
    name: 'lha a (jlha-utils): an LHA archive whose app.env is -lh5- (LZSS + static Huffman blocks)',
    realWorld: 'an old vendor tool or firmware bundle shipped as .lzh',
    kind: 'token',
    script: `${appEnv} && (cd root && lha a "$OUT/vendor.lzh" etc/app/app.env > /dev/null) && ! grep -F "$S" "$OUT/vendor.lzh" > /dev/null`,
    where: /lha-lh5\/vendor\.lzh!\/etc\/app\/app\.env/,
  },
  {
    id: 'leveldb-snappy',
    name: 'python3-plyvel: a LevelDB, 3,000 keys and a JSON value with the token, compacted into snappy-compressed .ldb tables',
    realWorld: "a Chrome/Electron profile's Local Storage or an app's LevelDB left in an image",
    kind: 'token',
    script: `/usr/bin/python3 - <<'EOF'
import os, plyvel
s = open('secret', encoding='utf-8').read()
db = plyvel.DB(os.environ['OUT'] + '/leveldb', create_if_missing=True)
for i in range(3000):
    db.put(b'_https://app.example.com\\x00\\x01key%05d' % i, (b'value-%d ' % i) * 4)
db.put(b'_https://app.example.com\\x00\\x01session', ('{"api_token":"%s","user":"ci"}' % s).encode())
db.compact_range()
db.close()
EOF`,
    where: /leveldb-snappy\/leveldb\/.+/,
  },
  {
    id: 'lmdb',
    name: 'python3-lmdb: an LMDB environment (data.mdb) whose value holds the token',
    realWorld: 'an LMDB store of a service (a cache, an index) left in an image',
    kind: 'token',
    script: `/usr/bin/python3 - <<'EOF'
import os, lmdb
s = open('secret', encoding='utf-8').read()
env = lmdb.open(os.environ['OUT'] + '/store', map_size=1 << 24)
with env.begin(write=True) as t:
    for i in range(2000):
        t.put(b'k%05d' % i, b'v' * (i % 50))
    t.put(b'credentials', ('token=%s' % s).encode())
env.close()
EOF`,
    where: /lmdb\/store\/data\.mdb/,
  },
  {
    id: 'bdb-hash',
    name: 'db5.3_load -t hash: a Berkeley DB hash file whose value is the token',
    realWorld: 'a Berkeley DB map (postfix sasl_passwd.db, an old rpmdb) left in an image',
    kind: 'token',
    script: `{ for i in $(seq 1 500); do printf 'user%s\\npass%s\\n' $i $i; done; printf 'smtp.example.com\\napi:%s\\n' "$S"; } > pairs && db5.3_load -T -t hash "$OUT/sasl_passwd.db" < pairs`,
    where: /bdb-hash\/sasl_passwd\.db/,
  },
  {
    id: 'ubifs-lzo',
    name: 'mkfs.ubifs -x lzo: a UBIFS image whose 4 KiB data nodes are raw LZO1X, the value across a block boundary',
    realWorld: "an embedded device's rootfs image (UBIFS on NAND) built in a firmware image",
    kind: 'long',
    script: `mkdir -p root/etc/app && ${across('root/etc/app/app.conf', 8192, 600)}
mkfs.ubifs -x lzo -r root -m 2048 -e 129024 -c 64 -o "$OUT/rootfs.ubifs" && ! grep -F "$S" "$OUT/rootfs.ubifs" > /dev/null`,
    where: /ubifs-lzo\/rootfs\.ubifs!\/inode-\d+/,
  },
  {
    id: 'ubi-zstd',
    name: 'mkfs.ubifs -x zstd then ubinize (2 KiB pages, 128 KiB erase blocks): a UBI flash image whose UBIFS volume holds app.conf, the value across a 4 KiB block',
    realWorld: "a NAND firmware image (factory .ubi) as a device build's last step writes it",
    kind: 'token',
    script: `mkdir -p root/etc/app && ${across('root/etc/app/app.conf', 12288, 900)}
mkfs.ubifs -x zstd -r root -m 2048 -e 129024 -c 64 -o vol.img && printf '[v]\\nmode=ubi\\nimage=vol.img\\nvol_id=0\\nvol_type=dynamic\\nvol_name=rootfs\\nvol_flags=autoresize\\n' > ubi.ini
ubinize -o "$OUT/factory.ubi" -m 2048 -p 128KiB -s 512 ubi.ini 2> /dev/null && ! grep -F "$S" "$OUT/factory.ubi" > /dev/null`,
    where: /ubi-zstd\/factory\.ubi!\/inode-\d+/,
  },
  {
    id: 'jffs2-zlib',
    name: 'mkfs.jffs2 (zlib nodes, lzo off): a JFFS2 image whose app.conf is 4 KiB zlib nodes',
    realWorld: "an OpenWrt-like flash image's rootfs_data built in a firmware image",
    kind: 'token',
    script: `mkdir -p root/etc/app && ${across('root/etc/app/app.conf', 6000, 600)}
mkfs.jffs2 -r root -o "$OUT/rootfs.jffs2" -x rtime -e 0x10000 && ! grep -F "$S" "$OUT/rootfs.jffs2" > /dev/null`,
    where: /jffs2-zlib\/rootfs\.jffs2/,
  },
  {
    id: 'jffs2-be-across',
    name: 'mkfs.jffs2 -b (big-endian, zlib nodes): a JFFS2 image whose app.conf has the value across a 4 KiB page (two zlib nodes)',
    realWorld: "a big-endian MIPS router's JFFS2 rootfs built in a firmware image",
    kind: 'token',
    script: `mkdir -p root/etc/app && ${across('root/etc/app/app.conf', 8192, 900)}
mkfs.jffs2 -b -r root -o "$OUT/rootfs.jffs2" -e 0x10000 && ! grep -F "$S" "$OUT/rootfs.jffs2" > /dev/null`,
    where: /jffs2-be-across\/rootfs\.jffs2!\/inode-\d+/,
  },
  {
    id: 'rpm-zstd',
    name: 'rpmbuild (_binary_payload w19.zstdio): an rpm with a zstd payload whose /etc/app/app.conf holds the token',
    realWorld: 'an rpm built for Fedora/RHEL 9+ (zstd payloads) kept in an image or a local repo',
    kind: 'token',
    script: `mkdir -p rpmbuild/SOURCES rpmbuild/SPECS && printf '[api]\\ntoken=%s\\n' "$S" > rpmbuild/SOURCES/app.conf
printf 'Name: app\\nVersion: 1.0\\nRelease: 1\\nSummary: app\\nLicense: MIT\\nBuildArch: noarch\\nSource0: app.conf\\n%%description\\napp\\n%%install\\nmkdir -p %%{buildroot}/etc/app\\ncp %%{SOURCE0} %%{buildroot}/etc/app/app.conf\\n%%files\\n%%config(noreplace) /etc/app/app.conf\\n' > rpmbuild/SPECS/app.spec
rpmbuild --quiet --define "_topdir $PWD/rpmbuild" --define '_binary_payload w19.zstdio' -bb rpmbuild/SPECS/app.spec > /dev/null 2>&1
test "$(rpm -qp --qf '%{PAYLOADCOMPRESSOR}' rpmbuild/RPMS/noarch/app-1.0-1.noarch.rpm)" = zstd && cp rpmbuild/RPMS/noarch/app-1.0-1.noarch.rpm "$OUT/"`,
    where: /rpm-zstd\/app-1\.0-1\.noarch\.rpm/,
  },
  {
    id: 'pacman-zst',
    name: "a pacman package as makepkg makes it: bsdtar's gzip'd .MTREE, .PKGINFO, then tar --zstd (.pkg.tar.zst)",
    realWorld: 'an Arch package built in CI and kept in a builder image or a pacman cache',
    kind: 'token',
    script: `mkdir -p pkg/etc/app && printf 'API_TOKEN=%s\\n' "$S" > pkg/etc/app/app.env && printf 'pkgname = app\\npkgver = 1.0-1\\narch = any\\n' > pkg/.PKGINFO
(cd pkg && bsdtar --format mtree --options '!all,use-set,type,uid,gid,mode,time,size,md5,sha256,link' -czf .MTREE .PKGINFO etc)
tar --zstd -C pkg --owner=0 --group=0 -cf "$OUT/app-1.0-1-any.pkg.tar.zst" .PKGINFO .MTREE etc`,
    where: /pacman-zst\/app-1\.0-1-any\.pkg\.tar\.zst/,
  },
  {
    id: 'xar',
    name: "bsdtar --format xar: a xar archive (zlib'd XML table of contents, each file's data zlib'd in the heap)",
    realWorld: 'a macOS .pkg or a Safari extension kept in a CI image that builds for Apple platforms',
    kind: 'token',
    script: `${appEnv} && bsdtar --format xar -cf "$OUT/app.xar" -C root . && ! grep -F "$S" "$OUT/app.xar" > /dev/null`,
    where: /xar\/app\.xar/,
  },
  {
    id: 'pbzip2-across',
    name: 'pbzip2 -b1: a dump in 100 kB bzip2 streams, one after another, the value across the first streams boundary',
    realWorld: 'a database dump compressed in parallel (pbzip2) in a backup image',
    kind: 'token',
    script: `${across('dump.sql', 100000, 9000)}
pbzip2 -b1 -p2 -c dump.sql > "$OUT/dump.sql.bz2" && test "$(grep -c BZh91AY "$OUT/dump.sql.bz2")" -ge 2`,
    where: /pbzip2-across\/dump\.sql\.bz2/,
  },
  {
    id: 'plzip-across',
    name: 'plzip -B 64KiB: a multi-member lzip file, the value across the first members boundary',
    realWorld: 'a log archive compressed in parallel with plzip (lzip members) in an image',
    kind: 'token',
    script: `${across('app.log', 65536, 6000)}
plzip -B 65536 -n 2 -c app.log > "$OUT/app.log.lz" && test "$(grep -c LZIP "$OUT/app.log.lz")" -ge 2`,
    where: /plzip-across\/app\.log\.lz/,
  },
];

/**
 * Archives whose compression the audit does not decode (each a format of its own: LZX/XPRESS in a WIM, zpaq's context
 * mixing, lrzip's rzip stage): the right answer is to name them as not fully audited, leaky or clean — wim.ts,
 * zpaq.ts, lrzip.ts. At the round's start these four and lha-lh5 (now decoded: lha.ts) passed in silence (no finding
 * on the leaky image's or the clean twin's).
 */
export const variant11Named: Variant[] = [
  {
    id: 'wim-lzx',
    name: 'wimcapture --compress=LZX: a Windows image (.wim) whose app.env resource is LZX chunks',
    realWorld: 'a Windows install image or a captured directory (wimlib in a provisioning image)',
    kind: 'token',
    script: `${appEnv} && wimcapture root "$OUT/install.wim" --compress=LZX > /dev/null && ! grep -F "$S" "$OUT/install.wim" > /dev/null`,
    where: /wim-lzx\/install\.wim/,
  },
  {
    id: 'wim-xpress',
    name: 'wimcapture --compress=XPRESS: a .wim whose app.env resource is XPRESS (Huffman) chunks',
    realWorld: 'a .wim captured with fast compression (wimlib, DISM /Compress:fast)',
    kind: 'token',
    script: `${appEnv} && wimcapture root "$OUT/boot.wim" --compress=XPRESS > /dev/null && ! grep -F "$S" "$OUT/boot.wim" > /dev/null`,
    where: /wim-xpress\/boot\.wim/,
  },
  {
    id: 'zpaq',
    name: 'zpaq a (7.15, method 1): a journaling zpaq archive whose app.env is in a compressed block',
    realWorld: 'a deduplicating backup of /etc kept in an image',
    kind: 'token',
    script: `${appEnv} && zpaq a "$OUT/backup.zpaq" root -method 1 > /dev/null 2>&1 && ! grep -F "$S" "$OUT/backup.zpaq" > /dev/null`,
    where: /zpaq\/backup\.zpaq/,
  },
  {
    id: 'lrzip',
    name: 'lrzip (rzip long-range stage, then LZMA): a .tar.lrz holding app.env',
    realWorld: 'a large backup compressed with lrzip for its long-range deduplication',
    kind: 'token',
    script: `${appEnv} && tar -C root -cf backup.tar . && lrzip -q -o "$OUT/backup.tar.lrz" backup.tar && ! grep -F "$S" "$OUT/backup.tar.lrz" > /dev/null`,
    where: /lrzip\/backup\.tar\.lrz/,
  },
];

/**
 * The known gaps of this round, each a class, asserted still missed so that the fix that reads one moves it to
 * `variant11BinaryFound`: none at the round's end. Missed at its start (no finding, leaky or clean): ubifs-lzo
 * (ubifs.ts), lha-lh5 (lha.ts), and wim-lzx, wim-xpress, zpaq, lrzip (named since: wim.ts, zpaq.ts, lrzip.ts); added
 * after the first fixes as their nearest variants, each missed in silence before its fix: ubi-zstd (a UBI image) and
 * jffs2-be-across (jffs2.ts). Not made: `.rar` (no free tool writes it), erofs with LZMA or deflate (this
 * erofs-utils has lz4 only), pcap/pcapng (plain bytes, found as every file's), ccache's own format beyond zstd (its
 * result file's zstd frame is found by the search inside, `R@30!`).
 */
const GAPS = new Set<string>([]);

/** Every round-11 binary artifact the audit finds. */
export const variant11BinaryFound: Variant[] = variant11Binary.filter((a) => !GAPS.has(a.id));

/** The known gaps. */
export const variant11BinaryGaps: Variant[] = variant11Binary.filter((a) => GAPS.has(a.id));
