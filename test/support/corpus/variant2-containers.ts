/**
 * The variant corpus's second round, containers and placement: git (a stash, a note, an annotated
 * tag's message, a shallow clone's pack, a submodule's .git/modules), packages (a .gem, an
 * `npm pack` tarball, a wheelhouse tar, a jar in a war in a .tar.gz), archive formats' corners
 * (zip64, tar pax and GNU long names, GNU and pax 1.0 sparse files, xattrs, cpio crc, an ISO 9660
 * image) and the value in a file's name or a symlink's target in the layer itself.
 */
import type { Variant } from './variant-text.js';

/** A repository `app` with one ordinary commit; the value is added by what follows. */
const gitApp = `git init -q -b main app && cd app && printf 'console.log(1)\\n' > index.js && printf 'DB_PASSWORD=changeme\\n' > .env && git add -A && git commit -qm init`;
/** The value is nowhere in the repository as it is (only compressed, in a pack). */
const onlyPacked = (dir: string) => `! grep -rqaF -f "$OLDPWD/secret" ${dir} && test -n "$(find ${dir}/objects/pack -name '*.pack')"`;

export const variant2Containers: Variant[] = [
  {
    id: 'git-stash',
    name: 'a git repository whose .env change holding the value was stashed (`git stash`), then `git gc` (only the stash commit reaches it)',
    realWorld: '`COPY . .` of a developer checkout with a stash left behind',
    kind: 'token',
    script: `${gitApp}
printf 'DB_PASSWORD=%s\\n' "$S" > .env && git stash -q && git gc -q && ${onlyPacked('.git')} && cd .. && cp -a app "$OUT/"`,
    where: /git-stash\/app\/\.git\/objects\/pack\/pack-[0-9a-f]{40}\.pack/,
  },
  {
    id: 'git-note',
    name: 'a git note on HEAD holding the value (`git notes add -F`), then `git gc`',
    realWorld: 'a CI job that annotates the deployed commit with its deploy details',
    kind: 'token',
    script: `${gitApp}
printf 'deployed to prod with token %s\\n' "$S" > ../note && git notes add -F ../note HEAD && git gc -q && ${onlyPacked('.git')} && cd .. && cp -a app "$OUT/"`,
    where: /git-note\/app\/\.git\/objects\/pack\/pack-[0-9a-f]{40}\.pack/,
  },
  {
    id: 'git-tag-message',
    name: "an annotated tag's message holding the value (`git tag -a -F`), then `git gc`",
    realWorld: 'a release tag whose message was pasted from a deploy log',
    kind: 'spaces',
    script: `${gitApp}
printf 'v1.0\\n\\nrelease passphrase: %s\\n' "$S" > ../msg && git tag -a v1.0 -F ../msg && git gc -q && ${onlyPacked('.git')} && cd .. && cp -a app "$OUT/"`,
    where: /git-tag-message\/app\/\.git\/objects\/pack\/pack-[0-9a-f]{40}\.pack/,
  },
  {
    id: 'git-shallow',
    name: 'a shallow clone (`git clone --depth 1 --no-checkout file://…`): the value only in the fetched pack',
    realWorld: 'a CI checkout (depth 1) copied into the image with its .git',
    kind: 'token',
    script: `git init -q -b main origin && cd origin && printf 'x\\n' > README && printf 'API_TOKEN=%s\\n' "$S" > .env && git add -A && git commit -qm init && printf 'y\\n' >> README && git commit -qam two && cd ..
git clone -q --depth 1 --no-checkout "file://$PWD/origin" clone && test -f clone/.git/shallow && cd clone && ${onlyPacked('.git')} && cd .. && cp -a clone "$OUT/"`,
    where: /git-shallow\/clone\/\.git\/objects\/pack\/pack-[0-9a-f]{40}\.pack/,
  },
  {
    id: 'git-submodule',
    name: "a superproject with a submodule whose history held an .env (the value only in .git/modules/lib's pack)",
    realWorld: '`COPY . .` of a checkout with submodules initialised',
    kind: 'token',
    script: `git init -q -b main lib && cd lib && printf 'x\\n' > lib.js && printf 'TOKEN=%s\\n' "$S" > .env && git add -A && git commit -qm init && git rm -q .env && git commit -qm 'rm .env' && cd ..
git init -q -b main app && cd app && printf 'y\\n' > app.js && git add -A && git commit -qm init && git -c protocol.file.allow=always submodule -q add "file://$OLDPWD/lib" lib && git commit -qm sub
${onlyPacked('.git/modules/lib')} && cd .. && cp -a app "$OUT/"`,
    where: /git-submodule\/app\/\.git\/modules\/lib\/objects\/pack\/pack-[0-9a-f]{40}\.pack/,
  },
  {
    id: 'gem',
    name: 'a .gem built by `gem build` (a tar holding data.tar.gz), the key in lib/',
    realWorld: 'an internal gem left in vendor/cache',
    kind: 'token',
    script: `mkdir -p gem/lib/app && cd gem && printf "module App\\n  API_KEY = '%s'\\nend\\n" "$S" > lib/app/config.rb
printf 'Gem::Specification.new do |s|\\n  s.name = "app"\\n  s.version = "1.0.0"\\n  s.summary = "app"\\n  s.authors = ["CI"]\\n  s.license = "MIT"\\n  s.files = ["lib/app/config.rb"]\\nend\\n' > app.gemspec
gem build app.gemspec > /dev/null 2>&1 && cp app-1.0.0.gem "$OUT/"`,
    where: /gem\/app-1\.0\.0\.gem.*data\.tar\.gz.*lib\/app\/config\.rb/,
  },
  {
    id: 'npm-pack',
    name: 'a package tarball by `npm pack` that took the .env along (npm packs it unless ignored)',
    realWorld: 'an internal package tarball installed from a file: dependency',
    kind: 'token',
    script: `mkdir pkg && cd pkg && printf '{"name":"app-client","version":"1.0.0","main":"index.js"}\\n' > package.json && printf 'module.exports = {};\\n' > index.js && printf 'API_TOKEN=%s\\n' "$S" > .env
npm pack --silent --pack-destination "$OUT" > /dev/null 2>&1 && tar -tzf "$OUT/app-client-1.0.0.tgz" | grep -x package/.env > /dev/null`,
    where: /npm-pack\/app-client-1\.0\.0\.tgz.*package\/\.env/,
  },
  {
    id: 'wheelhouse-tar',
    name: "a wheelhouse tarred (`tar cf`): a wheel (Python's zipfile, deflated) with the key in a module",
    realWorld: 'wheels built in one stage and copied as a tar into the next',
    kind: 'token',
    script: `mkdir wheelhouse && python3 - <<'EOF'
import zipfile
s = open('secret').read()
with zipfile.ZipFile('wheelhouse/client-1.0-py3-none-any.whl', 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('client/__init__.py', 'from .settings import *\\n' * 40)
    z.writestr('client/settings.py', 'API_KEY = %r\\n' % s)
EOF
tar -cf "$OUT/wheelhouse.tar" wheelhouse`,
    where: /wheelhouse-tar\/wheelhouse\.tar.*client-1\.0-py3-none-any\.whl.*client\/settings\.py/,
  },
  {
    id: 'jar-war-tgz',
    name: 'a jar inside a war inside a .tar.gz (jar cf, jar cf, tar -z)',
    realWorld: 'a Tomcat webapps directory shipped as a tarball',
    kind: 'token',
    script: `mkdir -p lib war/WEB-INF/lib webapps && printf 'api.key=%s\\n' "$S" > lib/client.properties && jar cf war/WEB-INF/lib/client-1.0.jar -C lib .
printf '<web-app/>\\n' > war/WEB-INF/web.xml && jar cf webapps/shop.war -C war . && tar -czf "$OUT/webapps.tar.gz" webapps`,
    where: /jar-war-tgz\/webapps\.tar\.gz.*shop\.war.*client-1\.0\.jar.*client\.properties/,
  },
  {
    id: 'zip64',
    name: 'a zip written with Zip64 records forced (`zip -fz`)',
    realWorld: 'an archive from a tool that always writes Zip64 (large-file-safe defaults)',
    kind: 'token',
    script: `mkdir cfg && printf 'api_key: %s\\n' "$S" > cfg/secrets.yml && printf 'name: app\\n%.0s' $(seq 1 50) > cfg/app.yml
zip -q -fz -r "$OUT/config.zip" cfg && python3 -c "import os, sys; sys.exit(b'PK\\x06\\x06' not in open(os.environ['OUT'] + '/config.zip', 'rb').read())"`,
    where: /zip64\/config\.zip.*cfg\/secrets\.yml/,
  },
  {
    id: 'tar-pax-path',
    name: 'a pax tar (`tar --format=pax`) of a cache whose file name holds the value (a 100+ character name: a pax path record)',
    realWorld: 'a token cache directory (files named by token) archived by a backup job',
    kind: 'alnum',
    script: `mkdir -p cache/tokens && python3 -c "s = open('secret').read(); open('cache/tokens/' + s + '-' + 'x' * 80 + '.json', 'w').write('{}')"
tar --format=pax -cf "$OUT/cache.tar" cache && grep -qa ' path=cache/tokens/' "$OUT/cache.tar"`,
    where: /tar-pax-path\/cache\.tar/,
  },
  {
    id: 'tar-gnu-longname',
    name: 'a GNU tar (`--format=gnu`) whose long file name holding the value is in a ././@LongLink entry',
    realWorld: 'the same cache archived by GNU tar with its default format',
    kind: 'alnum',
    script: `mkdir -p cache/tokens && python3 -c "s = open('secret').read(); open('cache/tokens/' + s + '-' + 'x' * 80 + '.json', 'w').write('{}')"
tar --format=gnu -cf "$OUT/cache.tar" cache && grep -qa '././@LongLink' "$OUT/cache.tar"`,
    where: /tar-gnu-longname\/cache\.tar/,
  },
  {
    id: 'tar-sparse-gnu',
    name: 'a GNU sparse tar (`tar --sparse`, type S) of an 8 MiB disk image, the value after a 5 MiB hole',
    realWorld: 'a VM or loop-device image archived sparse',
    kind: 'token',
    script: `python3 -c "
s = open('secret').read()
f = open('disk.img', 'wb'); f.truncate(8 << 20); f.seek(5 << 20); f.write(('API_TOKEN=' + s + '\\n').encode()); f.close()"
tar --format=gnu --sparse -cf "$OUT/disk.tar" disk.img && test "$(stat -c %s "$OUT/disk.tar")" -lt 100000`,
    where: /tar-sparse-gnu\/disk\.tar.*disk\.img/,
  },
  {
    id: 'tar-sparse-pax',
    name: 'a pax 1.0 sparse tar (`--format=pax --sparse --sparse-version=1.0`: the map at the head of the data)',
    realWorld: 'the same image archived by a tool using POSIX sparse files',
    kind: 'token',
    script: `python3 -c "
s = open('secret').read()
f = open('disk.img', 'wb'); f.truncate(8 << 20); f.seek(5 << 20); f.write(('API_TOKEN=' + s + '\\n').encode()); f.close()"
tar --format=pax --sparse --sparse-version=1.0 -cf "$OUT/disk.tar" disk.img && test "$(stat -c %s "$OUT/disk.tar")" -lt 100000`,
    where: /tar-sparse-pax\/disk\.tar.*disk\.img/,
  },
  {
    id: 'tar-xattr',
    name: 'a tar made with `tar --xattrs`: the value in a user.* extended attribute (a pax SCHILY.xattr record)',
    realWorld: 'a config directory archived with its attributes (an app keeping a token in an xattr)',
    kind: 'token',
    script: `mkdir conf && printf 'name: app\\n' > conf/app.yml && python3 -c "import os; os.setxattr('conf/app.yml', 'user.api_token', open('secret', 'rb').read())"
tar --xattrs --xattrs-include='user.*' -cf "$OUT/conf.tar" conf && grep -qa 'SCHILY.xattr.user.api_token' "$OUT/conf.tar"`,
    where: /tar-xattr\/conf\.tar/,
  },
  {
    id: 'cpio-crc',
    name: 'a cpio archive in the crc format (`cpio -o -H crc`: magic 070702)',
    realWorld: 'an initramfs or firmware bundle written with checksums',
    kind: 'token',
    script: `mkdir -p root/etc/app && printf 'TOKEN=%s\\n' "$S" > root/etc/app/token.env && (cd root && find . | cpio -o -H crc --quiet) > "$OUT/initramfs.cpio"`,
    where: /cpio-crc\/initramfs\.cpio.*etc\/app\/token\.env/,
  },
  {
    id: 'iso9660',
    name: 'an ISO 9660 image with Rock Ridge and Joliet (`xorriso -as mkisofs -R -J`)',
    realWorld: 'a cloud-init / config-drive ISO baked into a VM tooling image',
    kind: 'token',
    script: `mkdir -p root/openstack/latest && printf '{"admin_pass": "%s"}\\n' "$S" > root/openstack/latest/meta_data.json
xorriso -as mkisofs -quiet -R -J -V config-2 -o "$OUT/config-drive.iso" root 2> /dev/null`,
    where: /iso9660\/config-drive\.iso/,
  },
  {
    id: 'file-name',
    name: 'the value as a file name in the layer (a cache file named by its token)',
    realWorld: 'a token cache (~/.cache/<tool>/<token>.json) left in the image',
    kind: 'alnum',
    script: `mkdir -p "$OUT/cache" && python3 -c "import os; open(os.path.join(os.environ['OUT'], 'cache', 'tok-' + open('secret').read() + '.json'), 'w').write('{}')"`,
    where: /file-name\/cache/,
  },
  {
    id: 'symlink-target',
    name: "the value in a symlink's target in the layer",
    realWorld: 'a `current` link pointing into a directory named by a deploy token',
    kind: 'token',
    script: `python3 -c "import os; os.symlink('/run/secrets/' + open('secret').read(), os.path.join(os.environ['OUT'], 'current'))"`,
    where: /symlink-target\/current/,
  },
];
