/**
 * The tenth round's binary artifacts (issue 28): packages and images as distributions and registries
 * ship them, in the forms no earlier round made — a jar signed by jarsigner (META-INF/*.SF and the
 * signature block beside the deflated member), a snap-like squashfs (xz, 1 MiB blocks, the value
 * across a block), an AppImage-like ELF with an xz squashfs using the x86 BCJ filter appended, a .deb
 * with data.tar.zst, a Debian source package (dpkg-source -b, 3.0 (quilt): the value in
 * .debian.tar.xz), an rpm with an xz payload and a %config file, an OCI layout with zstd layers
 * (skopeo), `docker save | gzip` (skopeo's docker-archive, gzipped), an opkg .ipk (a tar.gz of
 * tar.gz's) and a Rust .crate (cargo package). Each is made by the real tool; the value is placed as
 * a pipeline places it.
 */
import type { Variant } from './variant-text.js';

/** A directory `dir` (the value in dir/etc/app/app.env), as a one-layer image in skopeo's `dir:` form, in ./dir. */
const dirImage = `mkdir -p rootfs/etc/app && printf 'API_TOKEN=%s\\n' "$S" > rootfs/etc/app/app.env && seq 1 2000 > rootfs/etc/app/numbers
tar -C rootfs --owner=0 --group=0 --mtime=@0 -cf layer.tar . && mkdir -p dir
/usr/bin/python3 - <<'EOF'
import hashlib, json
def put(b):
    h = hashlib.sha256(b).hexdigest(); open('dir/' + h, 'wb').write(b); return h, len(b)
lh, ln = put(open('layer.tar', 'rb').read())
ch, cn = put(json.dumps({'architecture': 'amd64', 'os': 'linux', 'config': {}, 'rootfs': {'type': 'layers', 'diff_ids': ['sha256:' + lh]}}).encode())
m = {'schemaVersion': 2, 'mediaType': 'application/vnd.oci.image.manifest.v1+json',
     'config': {'mediaType': 'application/vnd.oci.image.config.v1+json', 'digest': 'sha256:' + ch, 'size': cn},
     'layers': [{'mediaType': 'application/vnd.oci.image.layer.v1.tar', 'digest': 'sha256:' + lh, 'size': ln}]}
open('dir/manifest.json', 'w').write(json.dumps(m)); open('dir/version', 'w').write('Directory Transport Version: 1.1\\n')
EOF`;

/** ~1.9 MB of lines (a counter in hex and a run of x's), the value's line inserted at character 1,048,560 of `path`. */
const acrossMiB = (path: string) => `/usr/bin/python3 - <<'EOF'
lines = ''.join('%08x %s\\n' % (i * 2654435761 % 2**32, 'x' * (i * 7 % 40 + 1)) for i in range(60000))
s = open('secret', encoding='utf-8').read()
open('${path}', 'w', encoding='utf-8').write(lines[:1048560] + 'TOKEN=' + s + '\\n' + lines[1048560:])
EOF`;

export const variant10Binary: Variant[] = [
  {
    id: 'jar-signed',
    name: 'jar + jarsigner (EC key, SHA-256): a signed jar (META-INF/REL.SF, REL.EC) whose deflated app.properties holds the token',
    realWorld: 'a release jar signed in CI and copied into the runtime image',
    kind: 'token',
    script: `mkdir -p cls/com/acme && printf 'api.url=https://api.example.com\\napi.token=%s\\n' "$S" > cls/com/acme/app.properties
seq 1 300 | sed 's/^/key/;s/$/=value/' >> cls/com/acme/app.properties && printf 'Main-Class: com.acme.Main\\n' > m.txt && jar cfm app.jar m.txt -C cls .
keytool -genkeypair -keystore ks.p12 -storepass changeit -alias rel -keyalg EC -dname CN=acme -validity 3650 > /dev/null 2>&1
jarsigner -keystore ks.p12 -storepass changeit -digestalg SHA-256 app.jar rel > /dev/null 2>&1 && unzip -l app.jar | grep META-INF/REL.SF > /dev/null && cp app.jar "$OUT/"`,
    where: /jar-signed\/app\.jar/,
  },
  {
    id: 'snap-xz-1m',
    name: 'mksquashfs -comp xz -b 1M (a .snap): a 1.9 MB file in 1 MiB xz blocks, the value across the first block boundary',
    realWorld: 'a snap package (squashfs, xz) kept in an image that builds or serves snaps',
    kind: 'token',
    script: `mkdir -p root/meta root/etc && printf 'name: acme\\nversion: 1.0\\n' > root/meta/snap.yaml && ${acrossMiB('root/etc/data.txt')}
mksquashfs root "$OUT/acme_1.0_amd64.snap" -comp xz -b 1M -noappend -quiet -all-root > /dev/null`,
    where: /snap-xz-1m\/acme_1\.0_amd64\.snap/,
  },
  {
    id: 'appimage-xz-bcj',
    name: 'a copy of /bin/true with a squashfs appended (mksquashfs -comp xz -Xbcj x86: each block xz with the x86 branch filter)',
    realWorld: 'an AppImage-like single-file tool (an ELF runtime, then its squashfs) in a tooling image',
    kind: 'long',
    script: `mkdir -p root/usr/share/tool && printf 'TOOL_TOKEN=%s\\n' "$S" > root/usr/share/tool/tool.env && seq 1 5000 >> root/usr/share/tool/tool.env
cp /bin/true root/usr/share/tool/true && mksquashfs root sq.img -comp xz -Xbcj x86 -noappend -quiet -all-root > /dev/null
cat /bin/true sq.img > "$OUT/Tool-x86_64.AppImage" && chmod +x "$OUT/Tool-x86_64.AppImage"`,
    where: /appimage-xz-bcj\/Tool-x86_64\.AppImage/,
  },
  {
    id: 'deb-zstd',
    name: 'dpkg-deb -Zzstd --build: a .deb whose data.tar.zst holds /etc/app/app.env',
    realWorld: 'a package built for Ubuntu (zstd members since 21.10) kept in an image or an apt cache',
    kind: 'specials',
    script: `mkdir -p pkg/DEBIAN pkg/etc/app && printf 'Package: app\\nVersion: 1.0\\nArchitecture: all\\nMaintainer: ci <ci@example.com>\\nDescription: app\\n' > pkg/DEBIAN/control
printf 'API_TOKEN=%s\\n' "$S" > pkg/etc/app/app.env && dpkg-deb -Zzstd --root-owner-group --build pkg "$OUT/app_1.0_all.deb" > /dev/null
ar t "$OUT/app_1.0_all.deb" | grep -x data.tar.zst > /dev/null`,
    where: /deb-zstd\/app_1\.0_all\.deb/,
  },
  {
    id: 'dsc-quilt',
    name: 'dpkg-source -b (3.0 (quilt)): a .dsc, the .orig.tar.gz and the .debian.tar.xz whose debian/app.default holds the token',
    realWorld: 'a Debian source package built in CI (the packaging repo had a default file with a credential)',
    kind: 'token',
    script: `mkdir -p app-1.0/src && seq 1 200 > app-1.0/src/main.txt && tar czf app_1.0.orig.tar.gz app-1.0 && mkdir -p app-1.0/debian/source
printf '3.0 (quilt)\\n' > app-1.0/debian/source/format
printf 'Source: app\\nMaintainer: ci <ci@example.com>\\n\\nPackage: app\\nArchitecture: all\\nDescription: app\\n x\\n' > app-1.0/debian/control
printf 'app (1.0-1) unstable; urgency=low\\n\\n  * init\\n\\n -- ci <ci@example.com>  Thu, 03 Dec 2026 10:00:00 +0000\\n' > app-1.0/debian/changelog
printf 'API_TOKEN=%s\\n' "$S" > app-1.0/debian/app.default && dpkg-source -q -b app-1.0 > /dev/null 2>&1 && cp app_1.0* "$OUT/"
test -f "$OUT/app_1.0-1.debian.tar.xz" && test -f "$OUT/app_1.0-1.dsc"`,
    where: /dsc-quilt\/app_1\.0-1\.debian\.tar\.xz/,
  },
  {
    id: 'rpm-xz-config',
    name: 'rpmbuild (_binary_payload w9.xzdio): an rpm with an xz payload whose %config(noreplace) /etc/app/app.conf holds the token',
    realWorld: 'an rpm for an EL/SUSE target built in CI and kept in an image or a local repo',
    kind: 'token',
    script: `mkdir -p rpmbuild/SOURCES rpmbuild/SPECS && printf '[api]\\ntoken=%s\\n' "$S" > rpmbuild/SOURCES/app.conf
printf 'Name: app\\nVersion: 1.0\\nRelease: 1\\nSummary: app\\nLicense: MIT\\nBuildArch: noarch\\nSource0: app.conf\\n%%description\\napp\\n%%install\\nmkdir -p %%{buildroot}/etc/app\\ncp %%{SOURCE0} %%{buildroot}/etc/app/app.conf\\n%%files\\n%%config(noreplace) /etc/app/app.conf\\n' > rpmbuild/SPECS/app.spec
rpmbuild --quiet --define "_topdir $PWD/rpmbuild" --define '_binary_payload w9.xzdio' -bb rpmbuild/SPECS/app.spec > /dev/null 2>&1
test "$(rpm -qp --qf '%{PAYLOADCOMPRESSOR}' rpmbuild/RPMS/noarch/app-1.0-1.noarch.rpm)" = xz && cp rpmbuild/RPMS/noarch/app-1.0-1.noarch.rpm "$OUT/"`,
    where: /rpm-xz-config\/app-1\.0-1\.noarch\.rpm/,
  },
  {
    id: 'oci-zstd',
    name: 'skopeo copy --dest-compress-format zstd dir: oci:: an OCI layout whose layer blob is a zstd tar',
    realWorld: 'an image mirrored to an OCI layout with zstd layers (a build cache, an air-gapped bundle) inside another image',
    kind: 'token',
    script: `${dirImage}
skopeo copy -q --dest-compress --dest-compress-format zstd dir:dir "oci:$OUT/layout:app-v1"`,
    where: /oci-zstd\/layout\/blobs\/sha256\/[0-9a-f]{64}/,
  },
  {
    id: 'docker-save-gz',
    name: 'skopeo copy dir: docker-archive: then gzip (docker save | gzip): <id>/layer.tar a symlink to the layer tar, all gzipped',
    realWorld: '`docker save app | gzip > app.tar.gz` kept in a CI image for offline loading',
    kind: 'specials',
    script: `${dirImage}
skopeo copy -q dir:dir "docker-archive:app.tar:acme/app:v1" && gzip -9n < app.tar > "$OUT/app.tar.gz"`,
    where: /docker-save-gz\/app\.tar\.gz/,
  },
  {
    id: 'ipk-targz',
    name: 'an opkg .ipk as opkg-build makes it without -a: a tar.gz of ./debian-binary, ./control.tar.gz, ./data.tar.gz',
    realWorld: 'an OpenWrt/Yocto package kept in an image that builds firmware',
    kind: 'token',
    script: `mkdir -p data/etc/app ctl && printf 'API_TOKEN=%s\\n' "$S" > data/etc/app/app.env && printf 'Package: app\\nVersion: 1.0\\nArchitecture: all\\n' > ctl/control && echo 2.0 > debian-binary
tar -C data --owner=0 --group=0 -czf data.tar.gz . && tar -C ctl --owner=0 --group=0 -czf control.tar.gz .
tar --owner=0 --group=0 -czf "$OUT/app_1.0_all.ipk" ./debian-binary ./control.tar.gz ./data.tar.gz`,
    where: /ipk-targz\/app_1\.0_all\.ipk/,
  },
  {
    id: 'cargo-crate',
    name: '/usr/bin/cargo package --offline (the Debian cargo): a .crate (tar.gz, normalized Cargo.toml beside Cargo.toml.orig) whose src/lib.rs holds the token',
    realWorld: 'a crate packaged in CI before publishing, left in target/package of a builder image',
    kind: 'token',
    script: `mkdir -p c/src && printf '[package]\\nname = "acme-client"\\nversion = "0.1.0"\\nedition = "2021"\\nlicense = "MIT"\\ndescription = "client"\\n' > c/Cargo.toml
printf 'pub const API_TOKEN: &str = "%s";\\npub fn f() -> usize { API_TOKEN.len() }\\n' "$S" > c/src/lib.rs
(cd c && CARGO_HOME="$PWD/.ch" /usr/bin/cargo package --offline --allow-dirty --no-verify -q) && cp c/target/package/acme-client-0.1.0.crate "$OUT/"`,
    where: /cargo-crate\/acme-client-0\.1\.0\.crate/,
  },
];

/**
 * The known gaps of this round, each a class, asserted still missed so that the fix that reads one moves it to
 * `variant10BinaryFound`: none at the round's end. Found since the round began: the snap's clean twin was named as "a
 * damaged xz stream" at its first 1 MiB block (two xz streams decoded at once shared xz-decompress's WebAssembly
 * instance and corrupted each other; each has its own since xz-context.ts). Not made this round: an OLE compound file
 * whose stream crosses non-adjacent sectors — msibuild (libgsf) writes each stream's sectors in one run, so a value across
 * a sector boundary is contiguous in the file; python3-olefile cannot write.
 */
const GAPS = new Set<string>([]);

/** Every round-10 binary artifact the audit finds. */
export const variant10BinaryFound: Variant[] = variant10Binary.filter((a) => !GAPS.has(a.id));

/** The known gaps. */
export const variant10BinaryGaps: Variant[] = variant10Binary.filter((a) => GAPS.has(a.id));
