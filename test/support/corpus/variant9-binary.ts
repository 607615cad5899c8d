/**
 * The ninth round's binary artifacts (issue 28): stores and packages whose bytes hold a value in a
 * way no earlier round made — raw LZ4 blocks without a frame (Firefox's mozLz40 session files),
 * version-control stores (Mercurial revlogs with zlib or zstd chunks, Subversion FSFS revisions in
 * svndiff1/zlib or svndiff2/lz4, the value removed in a later revision), an OSTree archive repo
 * (`.filez`: a GVariant header, then raw deflate), an MSI's string pool (OLE compound file, mini
 * stream), media and documents' metadata (EXIF UserComment in UTF-16, ID3v2 COMM in UTF-16, an Ogg
 * FLAC's Vorbis comment cut by an Ogg page, a PDF info string in UTF-16BE with octal escapes),
 * scientific stores (HDF5 gzip with the shuffle filter, numpy .npz of a UTF-32LE string array) and
 * coders the earlier rounds did not make (7z PPMd, zip method 98 PPMd, 7z BCJ2, xz --arm64).
 * Each is made by the real tool; the value is placed as a pipeline places it. `variant9Named`:
 * streams the audit cannot read without something that is not in the image — to be named.
 */
import { pyValue as py } from './variant-round.js';
import type { Variant } from './variant-text.js';

/** A 2,000-line config with the value after API_TOKEN= on line 1000, written to `path` by python. */
const config = (path: string) =>
  py(`l = ['option.%05d = value-%d' % (i, i * 7919 % 100003) for i in range(2000)]
l.insert(1000, 'API_TOKEN=' + s)
open('${path}', 'w', encoding='utf-8').write('\\n'.join(l) + '\\n')`);

/** A Mercurial repository (revlog compression `engine`): the config committed, then the token line removed. */
const hg = (engine: string) => `${config('app.env')}
hg --config format.revlog-compression=${engine} init repo && mv app.env repo/ && cd repo
hg add -q app.env && hg commit -q -u ci -m 'add the deploy config'
sed -i '/^API_TOKEN=/d' app.env && echo 'API_TOKEN_FILE=/run/secrets/api' >> app.env && hg commit -q -u ci -m 'read the token from a file'
! grep -q API_TOKEN= app.env && cd .. && cp -r repo "$OUT/repo"`;

/** A Subversion repository (FSFS format 8, `compression` as given): the config imported, then the token line removed. */
const svn = (compression: string) => `svnadmin create svnrepo && sed -i 's/^# compression = lz4$/compression = ${compression}/' svnrepo/db/fsfs.conf
grep -q '^compression = ${compression}$' svnrepo/db/fsfs.conf && mkdir imp
${config('imp/app.env')}
svn import -q -m init imp "file://$PWD/svnrepo/trunk" && svn checkout -q "file://$PWD/svnrepo/trunk" wc
sed -i '/^API_TOKEN=/d' wc/app.env && svn commit -q -m 'token moved out' wc && cp -r svnrepo "$OUT/svnrepo"`;

/** A 16 kHz mono WAV of a second of silence, for the audio encoders. */
const wav = py(`import wave
w = wave.open('a.wav', 'wb'); w.setnchannels(1); w.setsampwidth(2); w.setframerate(16000); w.writeframes(bytes(32000)); w.close()`);

export const variant9Binary: Variant[] = [
  {
    id: 'mozlz4-session',
    name: 'a Firefox session file (mozLz40\\0, the size, one raw LZ4 block: lz4.block.compress) with a token in a tab URL',
    realWorld: 'a browser profile baked into a test image (Selenium/Playwright): sessionstore-backups/recovery.jsonlz4',
    kind: 'token',
    script: py(`import lz4.block, json
tabs = [{'entries': [{'url': 'https://ci.example.com/job/%d/console' % i, 'title': 'Job %d' % i}]} for i in range(40)]
tabs.append({'entries': [{'url': 'https://deploy.example.com/cb?access_token=' + s + '&state=ok', 'title': 'Deploy'}]})
doc = json.dumps({'version': ['sessionrestore', 1], 'windows': [{'tabs': tabs, 'selected': 41}]}).encode()
os.makedirs(OUT + '/sessionstore-backups', exist_ok=True)
open(OUT + '/sessionstore-backups/recovery.jsonlz4', 'wb').write(b'mozLz40\\0' + lz4.block.compress(doc))`),
    where: /mozlz4-session\/sessionstore-backups\/recovery\.jsonlz4/,
  },
  {
    id: 'hg-zlib',
    name: "hg init/commit: a token committed then removed, only in the first revision's zlib chunk ('x') of the revlog",
    realWorld: 'a Mercurial checkout (.hg) copied into an image with a credential in its history',
    kind: 'token',
    script: hg('zlib'),
    where: /hg-zlib\/repo\/\.hg\/store\/data\/app\.env\.i/,
  },
  {
    id: 'hg-zstd',
    name: 'hg with format.revlog-compression=zstd: the same history, revlog chunks as zstd frames',
    realWorld: 'a Mercurial repository made with zstd revlogs (the modern default where zstd is built in)',
    kind: 'long',
    script: hg('zstd'),
    where: /hg-zstd\/repo\/\.hg\/store\/data\/app\.env\.i/,
  },
  {
    id: 'hg-strip-backup',
    name: 'hg strip: the commit adding the token stripped, kept only in .hg/strip-backup/*.hg (a bundle2, Compression=BZ)',
    realWorld: 'a Mercurial checkout whose leaked commit was stripped (hg strip keeps a backup bundle) copied into an image',
    kind: 'token',
    script: `hg init repo && seq 1 2000 | sed 's/^/option = /' > repo/app.env && cd repo && hg add -q app.env && hg commit -q -u ci -m one
printf 'API_TOKEN=%s\\n' "$S" >> app.env && hg commit -q -u ci -m 'add the token' && hg --config extensions.strip= strip -q -r 1
! grep -q API_TOKEN app.env && ls .hg/strip-backup/*.hg > /dev/null && cd .. && cp -r repo "$OUT/repo"`,
    where: /hg-strip-backup\/repo\/\.hg\/strip-backup\/[0-9a-f]+-[0-9a-f]+-backup\.hg/,
  },
  {
    id: 'svn-fsfs-zlib',
    name: 'svnadmin create (compression = zlib) + svn import: r1 in svndiff1 (each window section zlib after a varint size), the token removed in r2',
    realWorld: 'a Subversion server repository (/var/svn) in an image, a credential in an old revision',
    kind: 'token',
    script: svn('zlib'),
    where: /svn-fsfs-zlib\/svnrepo\/db\/revs\/0\/1/,
  },
  {
    id: 'svn-fsfs-lz4',
    name: 'svnadmin create (FSFS 8, compression = lz4): r1 in svndiff2 (windows of raw LZ4 blocks), the token removed in r2',
    realWorld: 'the same repository with lz4, the default of Subversion 1.10+',
    kind: 'specials',
    script: svn('lz4'),
    where: /svn-fsfs-lz4\/svnrepo\/db\/revs\/0\/1/,
  },
  {
    id: 'ostree-filez',
    name: 'ostree init --mode=archive-z2 + commit: a config as a .filez object (a GVariant header, then raw deflate)',
    realWorld: 'an OSTree/Flatpak repository served from a web image (archive mode), a credential in a committed file',
    kind: 'token',
    script: `ostree --repo="$OUT/repo" init --mode=archive-z2 && mkdir -p tree/etc/app
printf 'API_TOKEN=%s\\n' "$S" > tree/etc/app/app.env && seq 1 500 >> tree/etc/app/app.env
ostree --repo="$OUT/repo" commit -b app/x86_64/stable --tree=dir=tree > /dev/null`,
    where: /ostree-filez\/repo\/objects\/[0-9a-f]{2}\/[0-9a-f]{62}\.filez/,
  },
  {
    id: 'msi-property',
    name: "msibuild -i Property.idt: an MSI whose Property table holds the token (the string pool in the OLE file's mini stream)",
    realWorld: 'a Windows installer built on Linux (msitools) with a license key or API token as a property',
    kind: 'token',
    script: `printf 'Property\\tValue\\ns72\\tl0\\nProperty\\tProperty\\nProductName\\tAcme Agent\\nProductVersion\\t1.0.0\\nManufacturer\\tAcme\\nAPI_TOKEN\\t%s\\n' "$S" > Property.idt
msibuild "$OUT/agent.msi" -i Property.idt && msibuild "$OUT/agent.msi" -s 'Acme Agent' Acme 'x64;1033' '{8F3C2E1A-5B4D-4C6E-9A7B-1D2E3F4A5B6C}'`,
    where: /msi-property\/agent\.msi/,
  },
  {
    id: 'exif-utf16',
    name: 'exiftool "-UserComment<=file": a JPEG whose EXIF UserComment holds a value beyond ASCII (UNICODE\\0 then UTF-16 in the TIFF byte order)',
    realWorld: 'a photo uploaded by a CI job, the uploader writing a note with a key into its EXIF',
    kind: 'latin1',
    script: `${py(`open('p.ppm', 'wb').write(b'P6 64 64 255\\n' + bytes([70, 130, 180]) * 4096)
open('note.txt', 'w', encoding='utf-8').write('Uploaded by ci with key ' + s)`)}
cjpeg -quality 85 p.ppm > "$OUT/photo.jpg" && exiftool -q -overwrite_original '-UserComment<=note.txt' "$OUT/photo.jpg"
! grep -qF "$S" "$OUT/photo.jpg"`,
    where: /exif-utf16\/photo\.jpg/,
  },
  {
    id: 'id3-utf16',
    name: 'mutagen: an MP3 with an ID3v2.3 COMM frame in UTF-16 (BOM, encoding 1) holding a value beyond ASCII',
    realWorld: 'a podcast or audio asset tagged by a publishing script, a download key in its comment',
    kind: 'latin1',
    script: py(`from mutagen.id3 import ID3, COMM, TIT2
open(OUT + '/episode.mp3', 'wb').write(bytes.fromhex('fffb9064') + bytes(413) * 1)
t = ID3(); t.add(TIT2(encoding=1, text='Episode 12')); t.add(COMM(encoding=1, lang='eng', desc='key', text='download key ' + s))
t.save(OUT + '/episode.mp3', v2_version=3)
assert s.encode() not in open(OUT + '/episode.mp3', 'rb').read()`),
    where: /id3-utf16\/episode\.mp3/,
  },
  {
    id: 'ogg-flac-page',
    name: 'flac --ogg --tag-from-file: an Ogg FLAC whose 70 KB LYRICS comment is cut by an Ogg page header (27 bytes + lacing), the value across it',
    realWorld: 'an audio file with long embedded lyrics or notes (Vorbis comments), a key among them',
    kind: 'token',
    script: `${wav}
${py(`import subprocess
lines = ''.join('line %d of the notes\\n' % i for i in range(4000))
for pad in range(64600, 65400, 8):
    text = lines[:pad] + '\\nkey=' + s + '\\n' + 'end\\n' * 200
    open('notes.txt', 'w').write(text)
    subprocess.run(['flac', '-s', '-f', '--ogg', '--tag-from-file=LYRICS=notes.txt', '-o', 'a.oga', 'a.wav'], check=True)
    if s.encode() not in open('a.oga', 'rb').read():
        os.replace('a.oga', OUT + '/notes.oga'); break
else:
    raise SystemExit('the value never crossed a page')`)}`,
    where: /ogg-flac-page\/notes\.oga/,
  },
  {
    id: 'pdf-utf16-literal',
    name: 'pypdf add_metadata: an info dictionary /Subject with 台北 and the value, written as UTF-16BE (FE FF) in a literal string with \\000 octal escapes',
    realWorld: 'a report PDF generated by a pipeline, its metadata naming the office and the access key',
    kind: 'specials',
    script: py(`from pypdf import PdfWriter
w = PdfWriter(); w.add_blank_page(612, 792)
w.add_metadata({'/Title': 'Quarterly report', '/Subject': '台北 office, access key ' + s})
w.write(OUT + '/report.pdf')
assert s.encode() not in open(OUT + '/report.pdf', 'rb').read()`),
    where: /pdf-utf16-literal\/report\.pdf/,
  },
  {
    id: 'hdf5-shuffle',
    name: 'h5py: a fixed-length string dataset (S64) with compression=gzip, shuffle=True (bytes transposed by position before deflate)',
    realWorld: 'an experiment or model file (HDF5) whose metadata table holds a storage key, written with the usual gzip+shuffle',
    kind: 'token',
    script: py(`import h5py, numpy as np
rows = ['run-%04d:ok' % i for i in range(200)] + ['storage_key=' + s] + ['run-%04d:ok' % i for i in range(200, 300)]
with h5py.File(OUT + '/results.h5', 'w') as f:
    f.create_dataset('meta', data=np.array([r.encode() for r in rows], dtype='S64'), compression='gzip', shuffle=True, chunks=(128,))
    f.create_dataset('x', data=np.arange(10000, dtype='f4'), compression='gzip')`),
    where: /hdf5-shuffle\/results\.h5/,
  },
  {
    id: 'npz-utf32',
    name: "numpy savez_compressed: a string array ('<U', UTF-32LE) in a deflated .npy member",
    realWorld: 'a cached dataset or model artifact (.npz) whose label array holds a credential',
    kind: 'token',
    script: py(`import numpy as np
labels = np.array(['label-%d' % i for i in range(100)] + ['token=' + s])
np.savez_compressed(OUT + '/cache.npz', labels=labels, weights=np.zeros(1000, dtype='f4'))`),
    where: /npz-utf32\/cache\.npz!\/labels\.npy/,
  },
  {
    id: 'xz-arm64',
    name: 'xz --arm64 --lzma2: a data file compressed after the ARM64 branch filter',
    realWorld: 'an aarch64 firmware or tool bundle compressed by a build with xz BCJ filters',
    kind: 'token',
    script: `${config('app.env')}
xz --arm64 --lzma2 -c app.env > "$OUT/app.env.xz"`,
    where: /xz-arm64\/app\.env\.xz/,
  },
  {
    id: '7z-bcj2',
    name: '7zz a -mf=BCJ2: an x86-64 program built by gcc with the token in .rodata, packed with the BCJ2 filter (four streams)',
    realWorld: 'a release bundle of native tools packed by 7-Zip with the x86 branch converter',
    kind: 'token',
    script: `${py(`open('tool.c', 'w').write('#include <stdio.h>\\nstatic const char key[] = "' + s + '";\\nint main(void) { for (int i = 0; i < 64; i++) printf("%d %s\\\\n", i, key); return 0; }\\n')`)}
gcc -O0 -o tool tool.c && 7zz a -bd -mf=BCJ2 "$OUT/tools.7z" tool > /dev/null`,
    where: /7z-bcj2\/tools\.7z/,
  },
  {
    id: '7z-ppmd',
    name: '7zz a -m0=PPMd: a 7z archive of a config compressed with PPMd (H, order 6; read since session 59, ppmd-h.ts)',
    realWorld: 'a text-heavy bundle (logs, configs) packed with 7-Zip PPMd for its ratio',
    kind: 'specials',
    script: `${config('app.env')}
7zz a -bd -m0=PPMd "$OUT/conf.7z" app.env > /dev/null`,
    where: /7z-ppmd\/conf\.7z/,
  },
];

/**
 * Streams the audit cannot read — without something not in the image (a zlib preset dictionary, a zstd window past
 * the memory bound, a keystore's password) or in a coder it does not decode (PPMd in zip; 7z's BCJ2 and 7z's PPMd were
 * ones, read since sessions 55 and 59 and moved to the artifacts): the right answer is a limit
 * finding naming them, leaky or clean (or the value found as well: a zlib stream's own literals are read).
 */
export const variant9Named: Variant[] = [
  {
    id: 'zip-ppmd',
    name: '7zz a -tzip -mm=PPMd: a zip member with method 98 (PPMd I, rev 1)',
    realWorld: 'a zip made by 7-Zip with PPMd for text (a support bundle, an export)',
    kind: 'token',
    script: `${config('app.env')}
7zz a -bd -tzip -mm=PPMd "$OUT/conf.zip" app.env > /dev/null`,
    where: /zip-ppmd\/conf\.zip/,
  },
  {
    id: 'jceks-importpass',
    name: 'keytool -importpass -storetype JCEKS: a database password as a secret-key entry (a SealedObject, PBE with MD5 and triple DES)',
    realWorld: 'a Hadoop/Spark credential provider store (jceks://file/…) baked into an image',
    kind: 'token',
    script: `printf 'store-password-1\\n' > pw && printf '%s\\n%s\\n' "$S" "$S" | keytool -importpass -alias db.password -keystore "$OUT/creds.jceks" -storetype JCEKS -storepass:file pw -keypass:file pw > /dev/null 2>&1`,
    where: /jceks-importpass\/creds\.jceks/,
  },
  {
    id: 'pkcs12-importpass',
    name: 'keytool -importpass (PKCS12, the default store type): the password as a secretBag, encrypted with the store password',
    realWorld: 'a Java service keystore holding its API password, made in a Dockerfile with keytool',
    kind: 'token',
    script: `printf 'store-password-1\\n' > pw && printf '%s\\n%s\\n' "$S" "$S" | keytool -importpass -alias api.password -keystore "$OUT/app.p12" -storepass:file pw -keypass:file pw > /dev/null 2>&1`,
    where: /pkcs12-importpass\/app\.p12/,
  },
  {
    id: 'zlib-fdict',
    name: 'zlib with a preset dictionary (FDICT, deflateSetDictionary): a record compressed against a dictionary kept by the service',
    realWorld: 'a cache of small records compressed with a shared zlib dictionary (as protocols and stores do)',
    kind: 'token',
    script: py(`import zlib
zd = b''.join(b'{"service":"billing","region":"eu-west-1","level":"info","api_token":"' for _ in range(4))
c = zlib.compressobj(9, zlib.DEFLATED, 15, 9, zlib.Z_DEFAULT_STRATEGY, zd)
rec = ('{"service":"billing","region":"eu-west-1","level":"info","api_token":"' + s + '"}').encode()
open(OUT + '/record.z', 'wb').write(c.compress(rec) + c.flush())`),
    where: /zlib-fdict\/record\.z/,
  },
  {
    id: 'zstd-long31',
    name: 'zstd --long=31 from a pipe: a frame declaring a 2 GiB window (a decoder must be allowed --memory=2GB)',
    realWorld: 'a large backup stream compressed with long-distance matching',
    kind: 'token',
    script: `{ printf 'API_TOKEN=%s\\n' "$S"; seq 1 3000; } | zstd -q --long=31 -c > "$OUT/backup.zst"`,
    where: /zstd-long31\/backup\.zst/,
  },
];

/**
 * The known gaps of this round, each a class, asserted still missed so that the fix that reads one
 * moves it to `variant9BinaryFound`: none left.
 * - hdf5-shuffle (read since session 55: hdf5.ts): HDF5's shuffle filter puts byte k of every element together before
 *   deflate, so an S64 string's bytes lie 64 elements apart in what inflates; hdf5.ts finds the object headers' filter
 *   pipelines and chunk indexes and undoes the filters per chunk with the element size.
 * Found since the round began: an Ogg page cutting a Vorbis comment (ogg.ts), an OSTree .filez
 * (ostree.ts); a zlib stream with a preset dictionary named and its literals read (zlib-dict.ts); keystores holding
 * sealed keys named (java-keystore.ts).
 */
const GAPS = new Set<string>([]);

/** Every round-9 binary artifact the audit finds. */
export const variant9BinaryFound: Variant[] = variant9Binary.filter((a) => !GAPS.has(a.id));

/** The known gaps. */
export const variant9BinaryGaps: Variant[] = variant9Binary.filter((a) => GAPS.has(a.id));
