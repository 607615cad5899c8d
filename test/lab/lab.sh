#!/usr/bin/env bash
# The Hoist test lab: real servers on loopback for the integration tests and the demo.
#
#   bash test/lab/lab.sh up       install what is missing, start what is not running (idempotent)
#   bash test/lab/lab.sh status   report each component's state (exit 1 if any is down)
#   bash test/lab/lab.sh down     stop everything the lab started
#
# Components (all on 127.0.0.1):
#   dockerd with BuildKit        unix socket $LAB_DIR/docker.sock (its own data root)
#   registry "plain"             http://127.0.0.1:5100            no auth
#   registry "nodelete"          http://127.0.0.1:5300            no auth, deletes disabled (storage.delete off)
#   registry "tls"               https://127.0.0.1:5443           lab CA + htpasswd (Basic)
#   registry "token"             http://127.0.0.1:5200            Bearer tokens from the issuer below
#   token issuer                 http://127.0.0.1:5201/token      test/lab/token-issuer.mjs
#   sshd + git                   ssh://hoistgit@127.0.0.1:2222    private repository, lab key pair
#   proxy (tinyproxy)            http://127.0.0.1:3128            forwards and tunnels for 127.0.0.1, logs each request
#   proxy-deny (tinyproxy)       http://127.0.0.1:3129            refuses every client (403)
#   buildah, skopeo              command-line tools
#   QEMU user emulation          qemu-aarch64 registered in binfmt_misc (mounted if it is not), for arm64 RUN steps
#   a multi-platform base        127.0.0.1:5100/lab/busybox-multi:1.36 (amd64 + arm64, Debian's busybox-static)
# Everything the lab creates lives in $HOIST_LAB_DIR (default /var/tmp/hoist-lab); the facts tests
# need are written to $HOIST_LAB_DIR/lab.json. Passwords and keys are generated once, kept 0600 in
# that directory, and never printed.
set -euo pipefail

LAB_DIR=${HOIST_LAB_DIR:-/var/tmp/hoist-lab}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DOCKER=/usr/bin/docker            # Debian's 20.10 CLI: DOCKER_BUILDKIT=1 without buildx
DOCKER_SOCK="$LAB_DIR/docker.sock"
BASE_IMAGE=hoist-lab/busybox:1.36
GIT_IMAGE=hoist-lab/git:1
PLAIN_PORT=5100 NODELETE_PORT=5300 TLS_PORT=5443 TOKEN_PORT=5200 ISSUER_PORT=5201 SSH_PORT=2222
GIT_USER=hoistgit
PROXY_PORT=3128 PROXY_DENY_PORT=3129
APT_PACKAGES=(docker.io buildah skopeo docker-registry openssh-server busybox-static apache2-utils openssl git ca-certificates curl iproute2 procps rsync tinyproxy xz-utils bzip2 qemu-user-static zip unzip cpio brotli lz4 zstd rpm qpdf python3 binutils xxd 7zip php-cli ruby xorriso sqlite3 default-jdk-headless gpg python3-yaml ncompress lzip lzop gcab squashfs-tools sharutils gcc e2fsprogs pigz tabix python3-snappy systemd-journal-remote python3-msgpack python3-cbor2 python3-bson golang-go libsnappy-java rustc gdb dosfstools mtools redis-server bzip3 arj erofs-utils python3-fonttools python3-dnspython python3-icalendar python3-vobject python3-ldap librtf-writer-perl tcpdump bind9-utils postgresql mercurial subversion msitools libimage-exiftool-perl python3-mutagen flac python3-h5py python3-pypdf python3-lz4 ostree libjpeg-turbo-progs pandoc openjdk-17-jdk-headless dpkg-dev cargo ccache wimtools zpaq lrzip jlha-utils python3-plyvel python3-lmdb db5.3-util mtd-utils libarchive-tools pbzip2 plzip qemu-utils android-sdk-libsparse-utils python3-avro zchunk btrfs-progs chromium python3-scipy python3-pil python3-brotli gettext rocksdb-tools borgbackup dar fossil erlang-base capnproto rzip brz ghostscript casync bsdiff mscompress tokyocabinet-bin ethtool tcl jq kyotocabinet-utils u-boot-tools bsdextrautils xdelta3 llvm python3-pip python3-setuptools mariadb-server prometheus gdbmtool tinycdb arc libh2-java mkbootimg python3-xapian python3-pygments age cryptsetup-bin python3-blosc python3-zarr python3-numcodecs python3-tables wiredtiger nsis djvulibre-bin fonts-lyx lua5.4 guile-3.0 sbcl idn2 ocaml-nox r-base-core elixir wget nginx-light faketime python3-protobuf icu-devtools)
MULTI_IMAGE=lab/busybox-multi:1.36 # in the plain registry: an index of linux/amd64 and linux/arm64

log() { printf 'lab: %s\n' "$*" >&2; }
die() { printf 'lab: error: %s\n' "$*" >&2; exit 1; }

node_bin() {
  if [ -x "$ROOT/node_modules/.bin/node" ]; then echo "$ROOT/node_modules/.bin/node"; else command -v node; fi
}

# --- processes -------------------------------------------------------------------------------
alive() { local f="$LAB_DIR/run/$1.pid"; [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null; }

start_bg() { # name command...
  local name=$1; shift
  mkdir -p "$LAB_DIR/run" "$LAB_DIR/log"
  setsid "$@" >"$LAB_DIR/log/$name.log" 2>&1 < /dev/null &
  echo $! >"$LAB_DIR/run/$name.pid"
}

stop_bg() {
  local f="$LAB_DIR/run/$1.pid"
  [ -f "$f" ] || return 0
  local pid; pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}

wait_for() { # process-name seconds command...: wait until the command succeeds
  local name=$1 secs=$2; shift 2
  for _ in $(seq 1 $((secs * 5))); do
    "$@" >/dev/null 2>&1 && return 0
    alive "$name" || die "$name exited while starting: $(tail -n 3 "$LAB_DIR/log/$name.log" 2>/dev/null | tr '\n' ' ')"
    sleep 0.2
  done
  die "$name did not come up within ${secs}s (see $LAB_DIR/log/$name.log)"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# --- install ---------------------------------------------------------------------------------
install_packages() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep 'install ok installed' >/dev/null || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] || die "missing packages ${missing[*]}: run as root or install them"
    log "installing ${missing[*]}"
    apt-get update -q >"$LAB_DIR/log/apt.log" 2>&1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >>"$LAB_DIR/log/apt.log" 2>&1 \
      || die "apt-get install failed (see $LAB_DIR/log/apt.log)"
  fi
}

# --- secrets, keys and certificates (generated once) ----------------------------------------
make_credentials() {
  umask 077
  mkdir -p "$LAB_DIR/secrets" "$LAB_DIR/tls" "$LAB_DIR/ssh"
  for u in tls-user token-user; do
    [ -s "$LAB_DIR/secrets/$u.password" ] || head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$LAB_DIR/secrets/$u.password"
  done
  if [ ! -s "$LAB_DIR/tls/ca.pem" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=Hoist Lab CA" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
      -keyout "$LAB_DIR/tls/ca.key" -out "$LAB_DIR/tls/ca.pem" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
      -keyout "$LAB_DIR/tls/registry.key" -out "$LAB_DIR/tls/registry.csr" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >"$LAB_DIR/tls/ext.cnf"
    openssl x509 -req -in "$LAB_DIR/tls/registry.csr" -CA "$LAB_DIR/tls/ca.pem" -CAkey "$LAB_DIR/tls/ca.key" \
      -CAcreateserial -days 3650 -extfile "$LAB_DIR/tls/ext.cnf" -out "$LAB_DIR/tls/registry.pem" 2>/dev/null
    # The token issuer's signing key: a self-signed certificate the token registry trusts.
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=Hoist Lab Token Issuer" \
      -keyout "$LAB_DIR/tls/token.key" -out "$LAB_DIR/tls/token.pem" 2>/dev/null
  fi
  [ -s "$LAB_DIR/secrets/htpasswd" ] || htpasswd -Bbn tls-user "$(cat "$LAB_DIR/secrets/tls-user.password")" >"$LAB_DIR/secrets/htpasswd"
  if [ ! -s "$LAB_DIR/ssh/id_ed25519" ]; then
    ssh-keygen -q -t ed25519 -N '' -C hoist-lab -f "$LAB_DIR/ssh/id_ed25519"
    ssh-keygen -q -t ed25519 -N '' -C hoist-lab-host -f "$LAB_DIR/ssh/host_ed25519"
  fi
  umask 022
}

# --- dockerd ---------------------------------------------------------------------------------
docker_ok() { DOCKER_HOST="unix://$DOCKER_SOCK" "$DOCKER" info >/dev/null 2>&1; }

start_dockerd() {
  if docker_ok; then return 0; fi
  stop_bg dockerd
  mkdir -p "$LAB_DIR/docker-root" "$LAB_DIR/docker-exec"
  start_bg dockerd dockerd --host "unix://$DOCKER_SOCK" --data-root "$LAB_DIR/docker-root" \
    --exec-root "$LAB_DIR/docker-exec" --pidfile "$LAB_DIR/run/dockerd.real.pid"
  wait_for dockerd 90 docker_ok
}

busybox_rootfs() { # dir [busybox-binary]: a busybox root filesystem with root in /etc/passwd
  local r=$1 bin=${2:-/bin/busybox} a
  rm -rf "$r" && mkdir -p "$r/bin" "$r/etc" "$r/tmp" "$r/root"
  cp "$bin" "$r/bin/busybox"
  # The applet list from the host's busybox: Debian builds both architectures from one configuration.
  for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -sf busybox "$r/bin/$a"; done
  printf 'root:x:0:0:root:/root:/bin/sh\n' >"$r/etc/passwd"
  printf 'root:x:0:\n' >"$r/etc/group"
  chmod 1777 "$r/tmp"
}

import_rootfs() { # rootfs-dir image: deterministic tarball (sorted, fixed owner and time) → docker import
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime='2024-01-01 00:00:00Z' -C "$1" -cf "$1.tar" .
  DOCKER_HOST="unix://$DOCKER_SOCK" "$DOCKER" import --change 'CMD ["/bin/sh"]' "$1.tar" "$2" >/dev/null
}

make_base_image() {
  if ! DOCKER_HOST="unix://$DOCKER_SOCK" "$DOCKER" image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
    busybox_rootfs "$LAB_DIR/base/rootfs"
    import_rootfs "$LAB_DIR/base/rootfs" "$BASE_IMAGE"
  fi
}

# A base with git and an ssh client (the host's binaries and the libraries they load), for builds
# that clone the lab's private repository over SSH.
make_git_image() {
  if ! DOCKER_HOST="unix://$DOCKER_SOCK" "$DOCKER" image inspect "$GIT_IMAGE" >/dev/null 2>&1; then
    local r="$LAB_DIR/git-image/rootfs" f
    busybox_rootfs "$r"
    for f in /usr/bin/git /usr/lib/git-core/git /usr/bin/ssh; do
      cp --parents -L "$f" "$r"
      for lib in $(ldd "$f" | grep -o '/[^ ]*'); do cp --parents -L "$lib" "$r"; done
    done
    import_rootfs "$r" "$GIT_IMAGE"
  fi
}

# --- emulation and a multi-platform base ---------------------------------------------------
BINFMT=/proc/sys/fs/binfmt_misc

emulation_ok() { [ "$(head -n1 "$BINFMT/qemu-aarch64" 2>/dev/null)" = enabled ]; }

# QEMU user emulation for arm64 RUN steps. The F flag (Debian's entry has it) opens the
# interpreter when it is registered, so it works inside build containers and chroots too.
setup_emulation() {
  emulation_ok && return 0
  [ -e "$BINFMT/register" ] || mount -t binfmt_misc binfmt_misc "$BINFMT" \
    || die "binfmt_misc is not mounted and cannot be: arm64 emulation needs it (mount -t binfmt_misc binfmt_misc $BINFMT as root)"
  [ -e "$BINFMT/qemu-aarch64" ] || cat /usr/lib/binfmt.d/qemu-aarch64.conf >"$BINFMT/register" \
    || die "could not register qemu-aarch64 in $BINFMT"
  [ -e "$BINFMT/qemu-aarch64" ] && echo 1 >"$BINFMT/qemu-aarch64"
  emulation_ok || die "qemu-aarch64 is registered in $BINFMT but not enabled"
}

# Debian's arm64 busybox-static, as a package file (the only arm64 binary the lab needs).
arm64_busybox() { # prints the path of the arm64 busybox binary
  local d="$LAB_DIR/base/arm64"
  if [ ! -x "$d/bin/busybox" ]; then
    mkdir -p "$d/deb"
    dpkg --print-foreign-architectures | grep -x arm64 >/dev/null || { dpkg --add-architecture arm64 && apt-get update -q >>"$LAB_DIR/log/apt.log" 2>&1; }
    (cd "$d/deb" && rm -f ./*.deb && apt-get download -q busybox-static:arm64 >>"$LAB_DIR/log/apt.log" 2>&1) \
      || die "could not download Debian's busybox-static:arm64 (see $LAB_DIR/log/apt.log)"
    dpkg-deb -x "$d"/deb/busybox-static_*_arm64.deb "$d/pkg"
    mkdir -p "$d/bin" && cp "$d/pkg/bin/busybox" "$d/bin/busybox"
  fi
  echo "$d/bin/busybox"
}

multi_up() { skopeo inspect --raw --tls-verify=false "docker://127.0.0.1:$PLAIN_PORT/$MULTI_IMAGE" 2>/dev/null | grep arm64 >/dev/null; }

# An index of two busybox images, amd64 and arm64: each made with buildah from its root filesystem
# and pushed by skopeo, then the index written by hand (buildah 1.28's manifest push loses children).
seed_multi_image() {
  multi_up && return 0
  local a r c raw entries=() registry="http://127.0.0.1:$PLAIN_PORT/v2/${MULTI_IMAGE%%:*}"
  for a in amd64 arm64; do
    r="$LAB_DIR/base/rootfs-$a"
    busybox_rootfs "$r" "$([ $a = arm64 ] && arm64_busybox || echo /bin/busybox)"
    tar --sort=name --owner=0 --group=0 --numeric-owner --mtime='2024-01-01 00:00:00Z' -C "$r" -cf "$r.tar" .
    c=$(buildah from --arch "$a" scratch 2>/dev/null)
    buildah add --quiet "$c" "$r.tar" / >/dev/null 2>&1
    buildah config --os linux --arch "$a" --cmd '["/bin/sh"]' "$c" 2>/dev/null
    buildah commit --quiet --timestamp 1704067200 "$c" "hoist-lab-busybox-$a" >/dev/null 2>&1
    buildah rm "$c" >/dev/null 2>&1
    skopeo copy -q --format oci --dest-tls-verify=false "containers-storage:localhost/hoist-lab-busybox-$a:latest" "docker://127.0.0.1:$PLAIN_PORT/$MULTI_IMAGE-$a"
    raw=$(skopeo inspect --raw --tls-verify=false "docker://127.0.0.1:$PLAIN_PORT/$MULTI_IMAGE-$a")
    entries+=("{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:$(printf '%s' "$raw" | sha256sum | cut -d' ' -f1)\",\"size\":$(printf '%s' "$raw" | wc -c),\"platform\":{\"architecture\":\"$a\",\"os\":\"linux\"}}")
  done
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[%s,%s]}' "${entries[0]}" "${entries[1]}" >"$LAB_DIR/base/multi-index.json"
  curl -sf -X PUT -H 'Content-Type: application/vnd.oci.image.index.v1+json' --data-binary "@$LAB_DIR/base/multi-index.json" \
    "$registry/manifests/${MULTI_IMAGE##*:}" >/dev/null || die "the registry refused the multi-platform index"
  multi_up || die "the multi-platform base did not reach 127.0.0.1:$PLAIN_PORT/$MULTI_IMAGE"
}

# --- registries ------------------------------------------------------------------------------
write_registry_config() { # name port auth-yaml tls-yaml [delete: true|false]
  local name=$1 port=$2 auth=$3 tls=$4 delete=${5:-true}
  mkdir -p "$LAB_DIR/registry/$name/data"
  cat >"$LAB_DIR/registry/$name/config.yml" <<YAML
version: 0.1
log:
  level: info
  accesslog:
    disabled: false
storage:
  filesystem:
    rootdirectory: $LAB_DIR/registry/$name/data
  delete:
    enabled: $delete
  cache:
    blobdescriptor: inmemory
http:
  addr: 127.0.0.1:$port
  secret: hoist-lab-$name
$tls
$auth
YAML
}

registry_up() { # name port scheme
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$LAB_DIR/tls/ca.pem" "$3://127.0.0.1:$2/v2/" || true)
  [ "$code" = 200 ] || [ "$code" = 401 ]
}

start_registry() { # name port scheme
  local name=$1 port=$2 scheme=$3
  if alive "registry-$name" && registry_up "$name" "$port" "$scheme"; then return 0; fi
  stop_bg "registry-$name"
  port_open "$port" && die "port $port is taken by another process; free it for registry '$name'"
  start_bg "registry-$name" docker-registry serve "$LAB_DIR/registry/$name/config.yml"
  wait_for "registry-$name" 30 registry_up "$name" "$port" "$scheme"
}

start_registries() {
  write_registry_config plain "$PLAIN_PORT" "" ""
  write_registry_config nodelete "$NODELETE_PORT" "" "" false
  write_registry_config tls "$TLS_PORT" "auth:
  htpasswd:
    realm: hoist-lab
    path: $LAB_DIR/secrets/htpasswd" "  tls:
    certificate: $LAB_DIR/tls/registry.pem
    key: $LAB_DIR/tls/registry.key"
  write_registry_config token "$TOKEN_PORT" "auth:
  token:
    realm: http://127.0.0.1:$ISSUER_PORT/token
    service: hoist-lab-registry
    issuer: hoist-lab-issuer
    rootcertbundle: $LAB_DIR/tls/token.pem" ""
  start_registry plain "$PLAIN_PORT" http
  start_registry nodelete "$NODELETE_PORT" http
  start_registry tls "$TLS_PORT" https
  start_token_issuer
  start_registry token "$TOKEN_PORT" http
}

# --- proxies -----------------------------------------------------------------------------------
proxy_up() { curl -s -o /dev/null -x "http://127.0.0.1:$1" "http://127.0.0.1:$PLAIN_PORT/v2/"; }

start_proxy() { # name port allow-address
  local name=$1 port=$2 allow=$3 conf="$LAB_DIR/proxy/$1.conf"
  if alive "$name" && proxy_up "$port"; then return 0; fi
  stop_bg "$name"
  port_open "$port" && die "port $port is taken by another process; free it for $name"
  mkdir -p "$LAB_DIR/proxy"
  # No ConnectPort line: CONNECT tunnels to any port (the lab's registries are not on 443).
  cat >"$conf" <<CONF
User root
Group root
Port $port
Listen 127.0.0.1
Timeout 600
LogFile "$LAB_DIR/log/$name.requests"
LogLevel Connect
MaxClients 64
Allow $allow
DisableViaHeader Yes
CONF
  start_bg "$name" tinyproxy -d -c "$conf"
  wait_for "$name" 20 port_open "$port"
}

start_proxies() {
  start_proxy proxy "$PROXY_PORT" 127.0.0.1
  start_proxy proxy-deny "$PROXY_DENY_PORT" 10.255.255.1
}

issuer_up() { curl -sf "http://127.0.0.1:$ISSUER_PORT/healthz" >/dev/null; }

start_token_issuer() {
  if alive token-issuer && issuer_up; then return 0; fi
  stop_bg token-issuer
  port_open "$ISSUER_PORT" && die "port $ISSUER_PORT is taken by another process; free it for the token issuer"
  start_bg token-issuer env HOIST_LAB_DIR="$LAB_DIR" ISSUER_PORT="$ISSUER_PORT" "$(node_bin)" "$HERE/token-issuer.mjs"
  wait_for token-issuer 20 issuer_up
}

seed_base_image() {
  # The base image is the FROM of lab Dockerfiles: push it to every registry once.
  local tls_pw token_pw
  tls_pw=$(cat "$LAB_DIR/secrets/tls-user.password"); token_pw=$(cat "$LAB_DIR/secrets/token-user.password")
  mkdir -p "$LAB_DIR/certs.d/127.0.0.1:$TLS_PORT"
  cp "$LAB_DIR/tls/ca.pem" "$LAB_DIR/certs.d/127.0.0.1:$TLS_PORT/ca.crt"
  local src="docker-daemon:$BASE_IMAGE" auth
  if ! skopeo inspect --tls-verify=false "docker://127.0.0.1:$PLAIN_PORT/lab/busybox:1.36" >/dev/null 2>&1; then
    skopeo copy -q --src-daemon-host "unix://$DOCKER_SOCK" --dest-tls-verify=false "$src" "docker://127.0.0.1:$PLAIN_PORT/lab/busybox:1.36" >/dev/null
  fi
  if ! skopeo inspect --tls-verify=false "docker://127.0.0.1:$PLAIN_PORT/lab/git:1" >/dev/null 2>&1; then
    skopeo copy -q --src-daemon-host "unix://$DOCKER_SOCK" --dest-tls-verify=false "docker-daemon:$GIT_IMAGE" "docker://127.0.0.1:$PLAIN_PORT/lab/git:1" >/dev/null
  fi
  auth=$(mktemp "$LAB_DIR/run/auth.XXXXXX.json")
  printf '{"auths":{"127.0.0.1:%s":{"auth":"%s"},"127.0.0.1:%s":{"auth":"%s"}}}' \
    "$TLS_PORT" "$(printf 'tls-user:%s' "$tls_pw" | base64 -w0)" \
    "$TOKEN_PORT" "$(printf 'token-user:%s' "$token_pw" | base64 -w0)" >"$auth"
  if ! skopeo inspect --authfile "$auth" --cert-dir "$LAB_DIR/certs.d/127.0.0.1:$TLS_PORT" "docker://127.0.0.1:$TLS_PORT/lab/busybox:1.36" >/dev/null 2>&1; then
    skopeo copy -q --src-daemon-host "unix://$DOCKER_SOCK" --authfile "$auth" --dest-cert-dir "$LAB_DIR/certs.d/127.0.0.1:$TLS_PORT" "$src" "docker://127.0.0.1:$TLS_PORT/lab/busybox:1.36" >/dev/null
  fi
  if ! skopeo inspect --authfile "$auth" --tls-verify=false "docker://127.0.0.1:$TOKEN_PORT/lab/busybox:1.36" >/dev/null 2>&1; then
    skopeo copy -q --src-daemon-host "unix://$DOCKER_SOCK" --authfile "$auth" --dest-tls-verify=false "$src" "docker://127.0.0.1:$TOKEN_PORT/lab/busybox:1.36" >/dev/null
  fi
  # A private golden base: only token-user may pull it.
  if ! skopeo inspect --authfile "$auth" --tls-verify=false "docker://127.0.0.1:$TOKEN_PORT/golden/busybox:1.36" >/dev/null 2>&1; then
    skopeo copy -q --src-daemon-host "unix://$DOCKER_SOCK" --authfile "$auth" --dest-tls-verify=false "$src" "docker://127.0.0.1:$TOKEN_PORT/golden/busybox:1.36" >/dev/null
  fi
  rm -f "$auth"
}

# --- sshd and the private git repository ---------------------------------------------------
ssh_up() { # a real clone protocol exchange, with the lab key and host-key checking on
  GIT_SSH_COMMAND="ssh -F /dev/null -i $LAB_DIR/ssh/id_ed25519 -o IdentitiesOnly=yes -o BatchMode=yes -o UserKnownHostsFile=$LAB_DIR/ssh/known_hosts -o StrictHostKeyChecking=yes" \
    git ls-remote "ssh://$GIT_USER@127.0.0.1:$SSH_PORT$LAB_DIR/git/private-lib.git" | grep refs/heads/main >/dev/null
}

start_sshd() {
  id "$GIT_USER" >/dev/null 2>&1 || useradd --system --create-home --home-dir "$LAB_DIR/git-home" --shell /usr/bin/git-shell "$GIT_USER"
  usermod -p '*' "$GIT_USER" # a system account is locked ('!'), and sshd refuses locked accounts
  local home; home=$(getent passwd "$GIT_USER" | cut -d: -f6)
  mkdir -p "$home/.ssh" "$LAB_DIR/git"
  cp "$LAB_DIR/ssh/id_ed25519.pub" "$home/.ssh/authorized_keys"
  chown -R "$GIT_USER" "$home"; chmod 700 "$home/.ssh"; chmod 600 "$home/.ssh/authorized_keys"
  if [ ! -d "$LAB_DIR/git/private-lib.git" ]; then
    local work; work=$(mktemp -d)
    git -C "$work" init -q -b main
    printf 'module.exports = "private-lib: the secret sauce";\n' >"$work/index.js"
    printf 'VERSION=1.4.2\n' >"$work/VERSION"
    git -C "$work" add . && git -C "$work" -c user.name=lab -c user.email=lab@hoist.invalid commit -q -m 'private lib 1.4.2'
    git clone -q --bare "$work" "$LAB_DIR/git/private-lib.git"
    rm -rf "$work"
    chown -R "$GIT_USER" "$LAB_DIR/git"
  fi
  printf '[127.0.0.1]:%s %s\n' "$SSH_PORT" "$(cut -d' ' -f1-2 "$LAB_DIR/ssh/host_ed25519.pub")" >"$LAB_DIR/ssh/known_hosts"
  cat >"$LAB_DIR/ssh/sshd_config" <<CFG
Port $SSH_PORT
ListenAddress 127.0.0.1
HostKey $LAB_DIR/ssh/host_ed25519
PidFile $LAB_DIR/run/sshd.real.pid
AllowUsers $GIT_USER
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin no
UsePAM no
StrictModes no
CFG
  if alive sshd && ssh_up; then return 0; fi
  stop_bg sshd
  port_open "$SSH_PORT" && die "port $SSH_PORT is taken by another process; free it for sshd"
  mkdir -p /run/sshd
  start_bg sshd /usr/sbin/sshd -D -e -f "$LAB_DIR/ssh/sshd_config"
  wait_for sshd 20 ssh_up
}

# --- facts for the tests ----------------------------------------------------------------------
write_facts() {
  local base_id
  base_id=$(DOCKER_HOST="unix://$DOCKER_SOCK" "$DOCKER" image inspect -f '{{.Id}}' "$BASE_IMAGE")
  cat >"$LAB_DIR/lab.json" <<JSON
{
  "dir": "$LAB_DIR",
  "docker": { "host": "unix://$DOCKER_SOCK", "cli": "$DOCKER" },
  "baseImage": { "local": "$BASE_IMAGE", "id": "$base_id", "repository": "lab/busybox", "tag": "1.36" },
  "multiImage": { "reference": "127.0.0.1:$PLAIN_PORT/$MULTI_IMAGE", "platforms": ["linux/amd64", "linux/arm64"] },
  "gitImage": { "local": "$GIT_IMAGE", "repository": "lab/git", "tag": "1" },
  "registries": {
    "plain": { "host": "127.0.0.1:$PLAIN_PORT", "scheme": "http" },
    "nodelete": { "host": "127.0.0.1:$NODELETE_PORT", "scheme": "http" },
    "tls": { "host": "127.0.0.1:$TLS_PORT", "scheme": "https", "ca": "$LAB_DIR/tls/ca.pem",
             "certDir": "$LAB_DIR/certs.d/127.0.0.1:$TLS_PORT",
             "username": "tls-user", "passwordFile": "$LAB_DIR/secrets/tls-user.password" },
    "token": { "host": "127.0.0.1:$TOKEN_PORT", "scheme": "http", "realm": "http://127.0.0.1:$ISSUER_PORT/token",
               "service": "hoist-lab-registry",
               "username": "token-user", "passwordFile": "$LAB_DIR/secrets/token-user.password" }
  },
  "proxy": { "url": "http://127.0.0.1:$PROXY_PORT", "log": "$LAB_DIR/log/proxy.requests", "denyUrl": "http://127.0.0.1:$PROXY_DENY_PORT" },
  "ssh": { "port": $SSH_PORT, "user": "$GIT_USER",
           "repoUrl": "ssh://$GIT_USER@127.0.0.1:$SSH_PORT$LAB_DIR/git/private-lib.git",
           "privateKeyFile": "$LAB_DIR/ssh/id_ed25519", "knownHostsFile": "$LAB_DIR/ssh/known_hosts" }
}
JSON
}

# --- commands --------------------------------------------------------------------------------
status() {
  local bad=0
  report() { if "${@:2}" >/dev/null 2>&1; then printf '  %-14s up\n' "$1"; else printf '  %-14s DOWN\n' "$1"; bad=1; fi; }
  echo "hoist lab at $LAB_DIR"
  report dockerd docker_ok
  report base-image env DOCKER_HOST="unix://$DOCKER_SOCK" "$DOCKER" image inspect "$BASE_IMAGE"
  report git-image env DOCKER_HOST="unix://$DOCKER_SOCK" "$DOCKER" image inspect "$GIT_IMAGE"
  report registry-plain registry_up plain "$PLAIN_PORT" http
  report registry-nodel registry_up nodelete "$NODELETE_PORT" http
  report registry-tls registry_up tls "$TLS_PORT" https
  report token-issuer issuer_up
  report registry-token registry_up token "$TOKEN_PORT" http
  report sshd ssh_up
  report proxy port_open "$PROXY_PORT"
  report proxy-deny port_open "$PROXY_DENY_PORT"
  report emulation emulation_ok
  report multi-base multi_up
  report buildah buildah --version
  report skopeo skopeo --version
  return $bad
}

up() {
  mkdir -p "$LAB_DIR/run" "$LAB_DIR/log"
  chmod 711 "$LAB_DIR" # others may traverse (the git user needs its home); secrets/, tls/ and ssh/ stay 0700
  install_packages
  make_credentials
  start_dockerd
  make_base_image
  make_git_image
  start_registries
  seed_base_image
  setup_emulation
  seed_multi_image
  start_sshd
  start_proxies
  write_facts
  status
}

down() {
  for s in proxy-deny proxy sshd registry-token token-issuer registry-tls registry-nodelete registry-plain dockerd; do stop_bg "$s"; done
  # dockerd leaves its containerd behind when killed hard; end what lives under our exec root.
  pkill -f "$LAB_DIR/docker-exec" 2>/dev/null || true
  rm -f "$LAB_DIR/lab.json"
  echo "hoist lab stopped"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|status|down" >&2; exit 2 ;;
esac
