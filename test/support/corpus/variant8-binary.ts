/**
 * The eighth round's binary artifacts (issue 28): file systems whose files are not in one run of
 * bytes — ext2's indirect block between a file's 12th and 13th blocks, ext4 extents split by a
 * block group's backup superblock, a FAT image whose file was rewritten into a freed hole —, file
 * systems that compress a file a block at a time (ISO 9660 with zisofs, cramfs's 4 KiB pages,
 * squashfs with 4 KiB blocks, EROFS with lz4hc), an SQLite WAL whose row spills into overflow
 * pages, a Redis RDB dump (LZF: a control byte before every 32 literals), xz with a delta filter,
 * bzip3, ARJ, WOFF and WOFF2 fonts (zlib per table; brotli of all tables) and an LZMA SWF (ZWS).
 * Each is made by the real tool; a value is placed across the boundary the format cuts at, as any
 * file of that size puts one there. `variant8Named`: streams the audit cannot read without
 * something that is not in the image (a zstd dictionary, brotli's large window) — to be named.
 */
import { pyValue as py } from './variant-round.js';
import type { Variant } from './variant-text.js';
import { awaitReady } from './waits.js';

/** Writes `path` (a config of filler lines, the value after API_TOKEN=) with the value's middle at byte `at`. */
const straddle = (path: string, at: number, tail = 200) =>
  py(`import os
os.makedirs(os.path.dirname('${path}') or '.', exist_ok=True)
fill = ''.join(f'option.{i:05d} = value-{i * 7919 % 100003}\\n' for i in range(${at} // 20 + 2))
pre = ${at} - len(s.encode()) // 2 - len('API_TOKEN=')
body = fill[:pre - 1] + '\\nAPI_TOKEN=' + s + '\\n' + ''.join(f'tail.{i} = {i}\\n' for i in range(${tail}))
open('${path}', 'w', encoding='utf-8').write(body)
assert body.encode().index(s.encode()) < ${at} < body.encode().index(s.encode()) + len(s.encode())`);

/** A Redis server on a socket in the scratch directory, one key set, then SAVE (LZF on by default). */
const redis = `redis-server --port 0 --unixsocket "$PWD/r.sock" --dir "$PWD" --dbfilename dump.rdb --save '' --logfile "$PWD/redis.log" & R=$!
${awaitReady('[ -S r.sock ]', '"$R"', 'redis-server')}
${py(`import socket, json
def cmd(*a):
    c = socket.socket(socket.AF_UNIX); c.connect('r.sock')
    c.sendall(b'*%d\\r\\n' % len(a) + b''.join(b'$%d\\r\\n%s\\r\\n' % (len(x.encode()), x.encode()) for x in a))
    r = c.recv(65536); c.close(); return r
doc = json.dumps({'user': 'ci-deploy', 'scope': 'deploy:write deploy:read deploy:admin', 'access_token': s, 'token_type': 'Bearer', 'refresh_scope': 'deploy:write deploy:read'})
assert cmd('SET', 'session:ci-deploy', doc) == b'+OK\\r\\n' and cmd('SAVE') == b'+OK\\r\\n'`)}
kill "$R"; wait "$R" 2> /dev/null || true; cp dump.rdb "$OUT/dump.rdb"`;

/** A font by fontTools' FontBuilder whose name table holds a web-font license key, saved as `flavor`. */
const font = (flavor: string, file: string) =>
  py(`from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen
def glyph():
    p = TTGlyphPen(None); p.moveTo((100, 0)); p.lineTo((100, 700)); p.lineTo((500, 700)); p.lineTo((500, 0)); p.closePath(); return p.glyph()
fb = FontBuilder(1000, isTTF=True)
names = ['.notdef'] + [f'uni{c:04X}' for c in range(0x41, 0x5B)]
fb.setupGlyphOrder(names); fb.setupCharacterMap({c: f'uni{c:04X}' for c in range(0x41, 0x5B)})
fb.setupGlyf({n: glyph() for n in names}); fb.setupHorizontalMetrics({n: (600, 100) for n in names})
fb.setupHorizontalHeader(ascent=800, descent=-200)
fb.setupNameTable({'familyName': 'Brand Sans', 'styleName': 'Regular', 'licenseDescription': 'Licensed to ACME Corp. Web font license key: ' + s + '. Do not redistribute.', 'licenseInfoURL': 'https://fonts.example.com/license'})
fb.setupOS2(); fb.setupPost()
fb.font.flavor = '${flavor}'; fb.save(OUT + '/${file}')`);

export const variant8Binary: Variant[] = [
  {
    id: 'ext2-indirect',
    name: "mke2fs -t ext2 -b 1024 -d: a 13 KB config whose value crosses byte 12288 (the file's 13th block follows its indirect block)",
    realWorld: 'a root file system image for a device or a VM (buildroot, a rescue image) holding a credentials file',
    kind: 'token',
    script: `${straddle('root/etc/app/bundle.env', 12288)}
mke2fs -q -t ext2 -b 1024 -d root "$OUT/rootfs.ext2" 2M > /dev/null 2>&1`,
    where: /ext2-indirect\/rootfs\.ext2/,
  },
  {
    id: 'ext4-groups',
    name: 'mke2fs -t ext4 -b 1024 -g 1024 -d: a 1.3 MB file in three extents (group 1 and 2 begin with their backup superblock), the value across the first cut',
    realWorld: 'a small ext4 image (an appliance data partition) with a large settings file',
    kind: 'specials',
    script: `mkdir -p root/var/lib/app && seq 1 200000 > root/var/lib/app/ids.txt
mke2fs -q -t ext4 -b 1024 -g 1024 -d root probe.ext4 4M > /dev/null 2>&1
CUT=$(debugfs -R 'ex /var/lib/app/ids.txt' probe.ext4 2> /dev/null | awk 'NR == 2 { print ($7 + 1) * 1024 }')
/usr/bin/python3 -c 'import os, sys
s = open("secret", encoding="utf-8").read().encode(); ids = open("root/var/lib/app/ids.txt", "rb").read(); cut = int(sys.argv[1])
at = cut - len(s) // 2 - 10
open("root/var/lib/app/ids.txt", "wb").write(ids[:at] + b"API_TOKEN=" + s + ids[at + 10 + len(s):])' "$CUT"
mke2fs -q -t ext4 -b 1024 -g 1024 -d root "$OUT/data.ext4" 4M > /dev/null 2>&1
[ "$(debugfs -R 'ex /var/lib/app/ids.txt' "$OUT/data.ext4" 2> /dev/null | awk 'NR == 2 { print ($7 + 1) * 1024 }')" = "$CUT" ]`,
    where: /ext4-groups\/data\.ext4/,
  },
  {
    id: 'fat-rewritten',
    name: 'mkfs.vfat + mcopy: an ESP image whose config was deleted and copied again, its clusters in a freed hole and after the next file',
    realWorld: 'an EFI system partition image updated by a build script with mtools (mdel, mcopy)',
    kind: 'token',
    script: `export MTOOLS_SKIP_CHECK=1
mkfs.vfat -C -n ESP "$OUT/esp.img" 8192 > /dev/null && mmd -i "$OUT/esp.img" ::/EFI ::/EFI/app
head -c 6000 /dev/zero | tr '\\0' 'k' > kernel.bin && seq 1 700 > old.cfg && seq 1 2500 > initrd.bin
mcopy -i "$OUT/esp.img" kernel.bin ::/EFI/app/ && mcopy -i "$OUT/esp.img" old.cfg ::/EFI/app/app.cfg && mcopy -i "$OUT/esp.img" initrd.bin ::/EFI/app/
mdel -i "$OUT/esp.img" ::/EFI/app/app.cfg
${straddle('app.cfg', 4096)}
mcopy -i "$OUT/esp.img" app.cfg ::/EFI/app/app.cfg && [ "$(mshowfat -i "$OUT/esp.img" ::/EFI/app/app.cfg | grep -o '<' | wc -l)" -gt 1 ]`,
    where: /fat-rewritten\/esp\.img/,
  },
  {
    id: 'iso-zisofs',
    name: 'xorriso -zisofs level=9 -set_filter_r --zisofs: an ISO whose file is zlib-compressed in 32 KiB blocks, the value across the first',
    realWorld: 'a compressed live or installer ISO (zisofs, as Debian live builds make) holding a preseed with a password',
    kind: 'long',
    script: `${straddle('root/etc/app/app.conf', 32768, 2000)}
xorriso -outdev "$OUT/live.iso" -zisofs level=9 -map root / -set_filter_r --zisofs / -- -commit > /dev/null 2>&1`,
    where: /iso-zisofs\/live\.iso/,
  },
  {
    id: 'cramfs-pages',
    name: 'mkfs.cramfs: each 4 KiB page of a file a zlib stream of its own, the value across a page',
    realWorld: 'an initrd or embedded root file system in cramfs (older routers, set-top boxes)',
    kind: 'token',
    script: `${straddle('root/etc/app/app.conf', 32768)}
mkfs.cramfs root "$OUT/rootfs.cramfs" > /dev/null`,
    where: /cramfs-pages\/rootfs\.cramfs/,
  },
  {
    id: 'squashfs-4k',
    name: 'mksquashfs -comp gzip -b 4096: a file in 4 KiB blocks, each a zlib stream, the value across a block',
    realWorld: 'a small squashfs root (OpenWrt-style images use small blocks) holding a credentials file',
    kind: 'specials',
    script: `${straddle('root/etc/app/app.conf', 32768)}
mksquashfs root "$OUT/root.squashfs" -comp gzip -b 4096 -noappend -quiet -all-root > /dev/null`,
    where: /squashfs-4k\/root\.squashfs/,
  },
  {
    id: 'erofs-lz4hc',
    name: 'mkfs.erofs -zlz4hc: an EROFS image, files compressed as lz4 clusters',
    realWorld: 'an Android or container root image in EROFS',
    kind: 'token',
    script: `${straddle('root/etc/app/app.conf', 32768)}
mkfs.erofs -zlz4hc "$OUT/system.erofs" root > /dev/null 2>&1`,
    where: /erofs-lz4hc\/system\.erofs/,
  },
  {
    id: 'sqlite-wal-overflow',
    name: "SQLite in WAL mode: a JSON row larger than a page, only in app.db-wal, the value across the row's overflow page",
    realWorld: 'a data directory copied from a running service: the last write still in the WAL, its row spilled into overflow pages',
    kind: 'token',
    script: py(`import shutil, sqlite3, json
certs = ['MIIB%05d' % i * 12 for i in range(60)]
for tail in range(0, 4200, 9):
    for f in ('app.db', 'app.db-wal', 'app.db-shm'):
        if os.path.exists(f): os.remove(f)
    db = sqlite3.connect('app.db'); db.execute('PRAGMA journal_mode=WAL'); db.execute('PRAGMA wal_autocheckpoint=0')
    db.execute('CREATE TABLE config (k TEXT, v TEXT)'); db.commit()
    doc = json.dumps({'certificates': certs, 'api_token': s, 'region': 'eu-west-1', 'comment': 'c' * tail})
    db.execute('INSERT INTO config VALUES (?, ?)', ('deploy', doc)); db.commit()
    if s.encode() not in open('app.db-wal', 'rb').read():
        shutil.copy('app.db', OUT + '/app.db'); shutil.copy('app.db-wal', OUT + '/app.db-wal'); break
    db.close()
else:
    raise SystemExit('the value never crossed a page')
assert s.encode() not in open(OUT + '/app.db', 'rb').read()`),
    where: /sqlite-wal-overflow\/app\.db-wal/,
  },
  {
    id: 'redis-rdb-lzf',
    name: 'redis-server SAVE: a session JSON stored as an LZF-compressed string (a control byte before every 32 literals)',
    realWorld: 'a Redis data directory (dump.rdb) baked into an image or left by a test stage',
    kind: 'long',
    script: redis,
    where: /redis-rdb-lzf\/dump\.rdb/,
  },
  {
    id: 'xz-delta',
    name: 'xz --delta=dist=2 --lzma2: a config compressed after a delta filter',
    realWorld: 'a data file packed with a delta filter for a better ratio (tables, audio, images)',
    kind: 'token',
    script: `printf 'API_TOKEN=%s\\n' "$S" > data.txt && seq 1 3000 >> data.txt && xz --delta=dist=2 --lzma2 -c data.txt > "$OUT/data.txt.xz"`,
    where: /xz-delta\/data\.txt\.xz/,
  },
  {
    id: 'woff',
    name: "fontTools: a WOFF font (each table zlib'd) whose name table holds a license key (Mac Roman and UTF-16BE records)",
    realWorld: 'a commercial web font with the customer license key in its name table, shipped in a web image',
    kind: 'latin1',
    script: font('woff', 'brand.woff'),
    where: /woff\/brand\.woff/,
  },
  {
    id: 'woff2',
    name: 'fontTools: a WOFF2 font (all tables in one brotli stream after the directory) with the license key',
    realWorld: 'the same web font as WOFF2, the format every site serves now',
    kind: 'token',
    script: font('woff2', 'brand.woff2'),
    where: /woff2\/brand\.woff2/,
  },
  {
    id: 'swf-zws',
    name: 'an LZMA SWF (ZWS: the header, the compressed length, LZMA properties, raw LZMA) embedding a config.json as DefineBinaryData',
    realWorld: 'a Flash/AIR app (as Flex -compress lzma writes it) embedding its API config, kept in a legacy web image',
    kind: 'token',
    script: py(`import struct, lzma, json
tag = lambda code, body: struct.pack('<HI', (code << 6) | 0x3f, len(body)) + body
cfg = json.dumps({'apiBase': 'https://api.example.com/v2', 'apiKey': s, 'features': ['chat', 'upload']}).encode()
body = b'\\x00' + struct.pack('<HH', 24 << 8, 1) + tag(69, struct.pack('<I', 8)) + tag(87, struct.pack('<HI', 1, 0) + cfg)
body += tag(76, struct.pack('<HH', 1, 1) + b'Config_json\\x00') + tag(1, b'') + tag(0, b'')
a = lzma.compress(body, format=lzma.FORMAT_ALONE, preset=9)
open(OUT + '/app.swf', 'wb').write(b'ZWS' + bytes([13]) + struct.pack('<II', 8 + len(body), len(a) - 13) + a[:5] + a[13:])`),
    where: /swf-zws\/app\.swf/,
  },
  {
    id: 'arj',
    name: 'arj a: an ARJ archive with its default method 1 (LZ77 + Huffman)',
    realWorld: 'a legacy DOS-era firmware or tool bundle unpacked in a build (ARJ archives)',
    kind: 'token',
    script: `printf 'API_TOKEN=%s\\n' "$S" > app.env && seq 1 3000 >> app.env && arj a -y "$OUT/conf.arj" app.env > /dev/null`,
    // Named (unread.ts) until session 56; decoded since (arj.ts: methods 1-3).
    where: /arj\/conf\.arj!\/app\.env/,
  },
];

/**
 * Streams the audit cannot read — without something not in the image (a zstd dictionary, brotli's
 * large window), or in a format it does not decode (bzip3): the right answer is a
 * limit finding naming them, leaky or clean (or the value found in their bytes as they are).
 */
export const variant8Named: Variant[] = [
  {
    id: 'bzip3',
    name: 'bzip3: a config compressed (BZ3v1 blocks: LZP, RLE, BWT, context mixing)',
    realWorld: 'a backup or dataset compressed with bzip3 for its ratio',
    kind: 'token',
    script: `printf 'API_TOKEN=%s\\n' "$S" > app.env && seq 1 3000 >> app.env && bzip3 -c app.env > "$OUT/app.env.bz3"`,
    where: /bzip3\/app\.env\.bz3/,
  },
  {
    id: 'zstd-dict',
    name: 'zstd -D: a JSON event compressed with a dictionary trained on its siblings (--train); the dictionary not shipped',
    realWorld: 'a log or cache of small records compressed with a trained dictionary kept elsewhere',
    kind: 'token',
    script: `mkdir -p samples && for i in $(seq 1 300); do printf '{"id":%d,"service":"billing","region":"eu-west-1","level":"info","msg":"request %d served in %d ms"}\\n' $i $i $((i * 7 % 300)) > samples/s$i.json; done
zstd -q --train samples/* -o dict --maxdict=4096 2> /dev/null
printf '{"id":0,"service":"billing","region":"eu-west-1","level":"info","api_token":"%s"}\\n' "$S" > ev.json && zstd -q -19 -D dict ev.json -o "$OUT/event.json.zst"`,
    where: /zstd-dict\/event\.json\.zst/,
  },
  {
    id: 'brotli-large-window',
    name: 'brotli --large_window=30: a large-window stream (RFC 7932 extension; a decoder must be told to accept it)',
    realWorld: 'a big artifact compressed with brotli large windows for its ratio',
    kind: 'token',
    script: `printf 'API_TOKEN=%s\\n' "$S" > data.txt && seq 1 3000 >> data.txt && brotli --large_window=30 -c data.txt > "$OUT/data.txt.br"`,
    where: /brotli-large-window\/data\.txt\.br/,
  },
];

/**
 * The known gaps of this round, each a class, asserted still missed so that the fix that reads one
 * moves it to `variant8BinaryFound`: none left.
 * Found since the round began: ext2/3/4 (ext.ts: block maps, extent trees and inline data followed),
 * FAT (fat.ts), cramfs pages (cramfs.ts), Redis RDB LZF (redis-rdb.ts), xz delta (delta.ts),
 * WOFF2 (woff2.ts), LZMA SWF (swf.ts), zisofs files joined (zisofs.ts), squashfs files read from their block lists
 * (squashfs.ts), a WAL's rows joined across its frames (sqlite-wal.ts); bzip3 named (unread.ts: in variant8Named); ARJ's method 1
 * (arj.ts, session 56: moved from variant8Named, where it was named, leaky and clean).
 */
const GAPS = new Set<string>([]);

/** Every round-8 binary artifact the audit finds. */
export const variant8BinaryFound: Variant[] = variant8Binary.filter((a) => !GAPS.has(a.id));

/** The known gaps. */
export const variant8BinaryGaps: Variant[] = variant8Binary.filter((a) => GAPS.has(a.id));
