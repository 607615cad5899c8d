/**
 * The variant corpus's ninth round, text and serialization formats (issue 28): what tracers, dump
 * tools, unit generators, man-page tooling, log exporters, mis-declared encodings and review diffs
 * write around a value, none of which rounds 1–8 made — `strace -e write` (octal, `-xx` hex),
 * `xxd -b` (bits) and `xxd -e` (little-endian words), `od -b` (octal bytes), `od -tu1` (decimal
 * bytes), `od -tx1 -tc` (a hex line, then a character line), `curl --trace` (hex with a text
 * column), `systemd-escape` of a unit instance (`\x2d`, `/` as `-`), `journalctl -o json` (a field
 * with a control character as an array of byte numbers), pod2man (roff `\-`, `\e`), nroff's
 * overstruck bold (`c\bc`), UTF-8 read as Latin-1 or cp1252 and written again (mojibake),
 * `git diff --word-diff-regex=.` of a rotated token, Ruby's shellescape, Perl's quotemeta of bytes,
 * PyYAML's `!!binary`, plistlib's `<data>`, and colour sequences kept in a CI log (`grep
 * --color=always`, `git diff --color-words=.`).
 */
import { pyValue as py } from './variant-round.js';
import type { Variant } from './variant-text.js';
import { awaitReady } from './waits.js';

/** A POD page whose example and default hold the value, for pod2man and nroff. */
const pod = `printf '=encoding utf8\\n\\n=head1 NAME\\n\\ndeploy - ship a release\\n\\n=head1 OPTIONS\\n\\n=over 4\\n\\n=item B<--token> I<TOKEN>\\n\\nThe API token. Default: B<%s>\\n\\n=back\\n' "$S" > deploy.pod`;

export const variant9Text: Variant[] = [
  {
    id: 'strace-write',
    name: 'strace -s 4096 -e trace=write: a process writing an env file (bytes above 0x7F as octal \\303\\251, \\" \\\\ \\n)',
    realWorld: 'a CI debugging step that traced a failing service start with strace, its trace kept in the image',
    kind: 'unicode',
    script: `printf 'APP_ENV=production\\nAPI_TOKEN=%s\\n' "$S" > app.env
strace -s 4096 -e trace=write -o "$OUT/start.strace" cat app.env > /dev/null
grep -q 'write(1, ' "$OUT/start.strace"`,
    where: /strace-write\/start\.strace/,
  },
  {
    id: 'strace-xx',
    name: 'strace -xx -s 4096 -e trace=write: every byte written as \\xHH inside the quoted buffer',
    realWorld: 'a trace taken with -xx to see binary framing, kept beside the service in a debug image',
    kind: 'unicode',
    script: `printf 'APP_ENV=production\\nAPI_TOKEN=%s\\n' "$S" > app.env
strace -xx -s 4096 -e trace=write -o "$OUT/start.strace" cat app.env > /dev/null
grep -q '\\\\x41\\\\x50' "$OUT/start.strace"`,
    where: /strace-xx\/start\.strace/,
  },
  {
    id: 'xxd-bits',
    name: 'xxd -b: six bytes a line as 8-digit binary groups after the offset, the text beside',
    realWorld: 'a debugging note that showed a key file bit by bit with xxd -b, kept in a tooling image',
    kind: 'token',
    script: `printf 'API_TOKEN=%s\\n' "$S" > key.env
xxd -b key.env > "$OUT/key.bits"
grep -q '^00000000: 01000001 ' "$OUT/key.bits"`,
    where: /xxd-bits\/key\.bits/,
  },
  {
    id: 'xxd-little-endian',
    name: 'xxd -e: little-endian 4-byte words (each group its bytes reversed), the text beside',
    realWorld: 'a firmware engineer’s dump of a config blob with xxd -e, committed beside the blob',
    kind: 'token',
    script: `printf 'API_TOKEN=%s\\n' "$S" > key.env
xxd -e key.env > "$OUT/key.le.txt"
grep -q '^00000000: 5f495041 ' "$OUT/key.le.txt"`,
    where: /xxd-little-endian\/key\.le\.txt/,
  },
  {
    id: 'od-octal-bytes',
    name: 'od -b: each byte as three octal digits, 16 a line after an octal offset',
    realWorld: 'a CI log that printed a credentials file with od -b to check for stray bytes',
    kind: 'token',
    script: `printf 'API_TOKEN=%s\\n' "$S" > key.env
od -b key.env > "$OUT/key.od"
grep -q '^0000000 101 120 111' "$OUT/key.od"`,
    where: /od-octal-bytes\/key\.od/,
  },
  {
    id: 'od-decimal-bytes',
    name: 'od -An -tu1: each byte as a right-aligned decimal, 16 a line, no offsets',
    realWorld: 'a support bundle that recorded an env file with od -An -tu1',
    kind: 'unicode',
    script: `printf 'API_TOKEN=%s\\n' "$S" > key.env
od -An -tu1 key.env > "$OUT/key.dec"
grep -q '^  65  80  73' "$OUT/key.dec"`,
    where: /od-decimal-bytes\/key\.dec/,
  },
  {
    id: 'od-hex-chars',
    name: 'od -An -tx1 -tc: a line of hex bytes, then a line of their characters (octal for bytes above 0x7F)',
    realWorld: 'a debugging log that showed an env file in hex and characters together with od',
    kind: 'unicode',
    script: `printf 'API_TOKEN=%s\\n' "$S" > key.env
od -An -tx1 -tc key.env > "$OUT/key.odx"
grep -q '^  41  50  49' "$OUT/key.odx"`,
    where: /od-hex-chars\/key\.odx/,
  },
  {
    id: 'curl-trace-hex',
    name: 'curl --trace: the request header block as hex, 16 bytes a line after an offset, the text column beside',
    realWorld: 'a CI step that ran a deploy call with curl --trace to debug a proxy, its trace kept',
    kind: 'token',
    script: `printf 'Authorization: Bearer %s\\n' "$S" > hdr
/usr/bin/python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1); print(s.getsockname()[1], flush=True)
c, _ = s.accept(); c.recv(65536); c.sendall(b"HTTP/1.1 204 No Content\\r\\nConnection: close\\r\\n\\r\\n"); c.close()' > port &
P=$!
${awaitReady('[ -s port ]', '$P', 'the HTTP server')}
curl -s --trace "$OUT/deploy.trace" -H @hdr -d '{"release":"42"}' "http://127.0.0.1:$(cat port)/v1/deploy" > /dev/null
wait
grep -q '^0000: 50 4f 53 54' "$OUT/deploy.trace"`,
    where: /curl-trace-hex\/deploy\.trace/,
  },
  {
    id: 'systemd-escape',
    name: 'systemd-escape --template: a URL made a unit instance name (/ as -, - as \\x2d, + = as \\x2b \\x3d)',
    realWorld: 'a provisioning script that enables a backup@.service instance per target URL, the URL holding the key',
    kind: 'long',
    script: `printf '#!/bin/sh\\nsystemctl enable --now %s\\n' "$(systemd-escape --template=backup@.service "$S")" > "$OUT/enable-backup.sh"
grep -q 'x2d\\|x2b' "$OUT/enable-backup.sh"`,
    where: /systemd-escape\/enable-backup\.sh/,
  },
  {
    id: 'journal-json-bytes',
    name: 'journalctl -o json: a MESSAGE holding a colour escape (ESC) written as an array of byte numbers',
    realWorld: 'a journal export (journalctl -o json) of a service whose coloured log line printed its token',
    kind: 'unicode',
    script: `{ printf '__REALTIME_TIMESTAMP=1700000000000000\\n__MONOTONIC_TIMESTAMP=1\\n_BOOT_ID=0123456789abcdef0123456789abcdef\\nSYSLOG_IDENTIFIER=deploy\\nMESSAGE\\n'
${py(`import struct
m = b'\\x1b[32mINFO\\x1b[0m connecting with token ' + s.encode()
sys.stdout.buffer.write(struct.pack('<Q', len(m)) + m + b'\\n\\n')`)}
} > export.txt
/lib/systemd/systemd-journal-remote -o deploy.journal export.txt 2>/dev/null
journalctl --file=deploy.journal -o json > "$OUT/journal.json"
grep -q '"MESSAGE":\\[27,' "$OUT/journal.json"`,
    where: /journal-json-bytes\/journal\.json/,
  },
  {
    id: 'pod2man',
    name: 'pod2man: a man page whose option default holds the value (roff: - as \\-, bold \\fB…\\fR)',
    realWorld: 'a CLI’s man page generated from POD at build time, a default token in its OPTIONS',
    kind: 'long',
    script: `${pod}
pod2man --utf8 deploy.pod > "$OUT/deploy.1"
grep -q '\\\\-' "$OUT/deploy.1"`,
    where: /pod2man\/deploy\.1/,
  },
  {
    id: 'nroff-overstrike',
    name: 'nroff -man: the formatted page (a cat page), bold text as each character, a backspace and itself again',
    realWorld: 'a preformatted cat page (man -l … > file, /usr/share/man/cat1) shipped with the CLI',
    kind: 'long',
    script: `${pod}
pod2man --utf8 deploy.pod > deploy.1
nroff -man deploy.1 > "$OUT/deploy.txt" 2>/dev/null
grep -q $'\\b' "$OUT/deploy.txt"`,
    where: /nroff-overstrike\/deploy\.txt/,
  },
  {
    id: 'mojibake-latin1',
    name: 'iconv -f ISO-8859-1 -t UTF-8 of a UTF-8 env file: each byte above 0x7F made a character (é as Ã©)',
    realWorld: 'a build step that “converted” an env file it took for Latin-1 to UTF-8, double-encoding it',
    kind: 'unicode',
    script: `printf 'APP_ENV=production\\nAPI_TOKEN=%s\\n' "$S" > app.env
iconv -f ISO-8859-1 -t UTF-8 app.env > "$OUT/app.env"
grep -q 'Ã' "$OUT/app.env"`,
    where: /mojibake-latin1\/app\.env/,
  },
  {
    id: 'mojibake-cp1252',
    name: 'iconv -f CP1252 -t UTF-8 of a UTF-8 config: its bytes read as Windows-1252 (é as Ã©, ß as ÃŸ)',
    realWorld: 'a Windows build agent that read a UTF-8 file as ANSI (PowerShell 5 Get-Content) and wrote it back as UTF-8',
    kind: 'latin1',
    script: `printf '[db]\\npassword=%s\\n' "$S" > app.ini
iconv -f CP1252 -t UTF-8 app.ini > "$OUT/app.ini"
grep -q 'Ã' "$OUT/app.ini"`,
    where: /mojibake-cp1252\/app\.ini/,
  },
  {
    id: 'word-diff-chars',
    name: 'git diff --word-diff=plain --word-diff-regex=.: a rotated token diffed character by character ([-a-]{+b+} between shared characters)',
    realWorld: 'a review log of a config change that rotated the API token, kept with the deploy artifacts',
    kind: 'token',
    script: `git init -q repo && cd repo && git config user.email ci@example.com && git config user.name ci
printf 'API_TOKEN=%s\\n' "$(sha256sum ../secret | cut -c1-28)" > app.env && git add app.env && git commit -qm one
printf 'API_TOKEN=%s\\n' "$S" > app.env
git diff --word-diff=plain --word-diff-regex=. > "$OUT/review.diff"
grep -q '{+' "$OUT/review.diff"`,
    where: /word-diff-chars\/review\.diff/,
  },
  {
    id: 'ruby-shellescape',
    name: 'Ruby Shellwords.escape: a backslash before every character outside [A-Za-z0-9_-.,:+/@], é and 😀 included',
    realWorld: 'a Ruby deploy script (Capistrano-style) writing an env script with shellescape’d values',
    kind: 'unicode',
    script: `ruby -rshellwords -e 'File.write(File.join(ENV["OUT"], "env.sh"), "export API_TOKEN=#{File.read("secret").shellescape}\\n")'
grep -q '\\\\' "$OUT/env.sh"`,
    where: /ruby-shellescape\/env\.sh/,
  },
  {
    id: 'perl-quotemeta',
    name: 'Perl quotemeta of undecoded bytes: a backslash before every non-word byte, each byte of é included (\\Ã\\©)',
    realWorld: 'a log-redaction rule file generated by a Perl script from the secrets it must hide',
    kind: 'unicode',
    script: `perl -e 'open my $f, "<", "secret" or die; local $/; my $s = <$f>; open my $o, ">", "$ENV{OUT}/redact.rules" or die; print $o "s/", quotemeta($s), "/[REDACTED]/g\\n";'
grep -q '\\\\' "$OUT/redact.rules"`,
    where: /perl-quotemeta\/redact\.rules/,
  },
  {
    id: 'yaml-binary',
    name: 'PyYAML yaml.dump of bytes: a !!binary block (base64 in a literal block, indented)',
    realWorld: 'a settings file dumped by a Python tool whose passphrase was read as bytes',
    kind: 'unicode',
    script: py(`import yaml
open(os.path.join(OUT, 'settings.yaml'), 'w').write(yaml.dump({'tls': {'key_passphrase': s.encode(), 'port': 8443}}))`),
    where: /yaml-binary\/settings\.yaml/,
  },
  {
    id: 'plist-data',
    name: 'Python plistlib FMT_XML of bytes: a <data> element, base64 lines indented by tabs',
    realWorld: 'a macOS-style preferences plist (com.example.agent.plist) carried in a cross-build image',
    kind: 'unicode',
    script: py(`import plistlib
plistlib.dump({'AgentToken': s.encode(), 'Server': 'https://mdm.example.com'}, open(os.path.join(OUT, 'com.example.agent.plist'), 'wb'))`),
    where: /plist-data\/com\.example\.agent\.plist/,
  },
  {
    id: 'grep-color',
    name: 'grep --color=always: an env file grepped for its token’s prefix, the colour sequences cutting the value after it',
    realWorld: 'a GitHub Actions log (colours kept) of a step that checked an env file with grep --color=always',
    kind: 'token',
    script: `printf 'APP_ENV=production\\nAPI_TOKEN=ghp_%s\\nREGION=eu-west-1\\n' "$S" > app.env
grep --color=always -n 'API_TOKEN=ghp' app.env > "$OUT/check.log"
grep -q $'\\e\\[' "$OUT/check.log"`,
    where: /grep-color\/check\.log/,
  },
  {
    id: 'git-color-words',
    name: 'git diff --color-words=.: a rotated token diffed by character, removed characters in red and added ones in green',
    realWorld: 'a CI log (colours kept) of a step that showed the diff of a config whose API token was rotated',
    kind: 'token',
    script: `git init -q repo && cd repo && git config user.email ci@example.com && git config user.name ci
printf 'API_TOKEN=%s\\n' "$(sha256sum ../secret | cut -c1-28)" > app.env && git add app.env && git commit -qm one
printf 'API_TOKEN=%s\\n' "$S" > app.env
git -c color.ui=always diff --color-words=. > "$OUT/review.log"
grep -q $'\\e\\[32m' "$OUT/review.log"`,
    where: /git-color-words\/review\.log/,
  },
];

/** Known gaps of this round: made and audited as the artifacts are, asserted still missed (none left: at 44a18cc 13 of the 21 were missed, all silent). */
export const variant9TextGaps: Variant[] = [];
