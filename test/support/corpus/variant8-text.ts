/**
 * The variant corpus's eighth round, text and serialization formats (issue 28): what report
 * writers, pretty-printers, translation tools, DNS tooling, directory and calendar libraries and
 * debugging commands write around a value, none of which rounds 1–7 made — RTF (`\'e9`, `\uN?`),
 * Python's pprint (a long str or bytes cut into adjacent literals), a .pot by xgettext (a long
 * msgid wrapped into adjacent C strings), DNS TXT records (dnspython and BIND: decimal `\DDD`
 * escapes, 255-byte strings), iCalendar, vCard and LDIF from their Python libraries, `sed -n l`,
 * `cat -v` and `cat -A` (M- notation), bash's `printf %q` in the C locale, `tcpdump -X`, Ruby's
 * inspect of a binary string and Data::Dumper with Useqq.
 */
import { pyValue as py } from './variant-round.js';
import type { Variant } from './variant-text.js';

/** A DNS zone's head, for the zone writers. */
const zoneHead = `$TTL 300
@ IN SOA ns1 hostmaster 1 3600 600 86400 300
@ IN NS ns1
ns1 IN A 192.0.2.1`;

/** A pcap (one TCP segment on loopback: an HTTP request with a bearer token), written as libpcap lays it out, for tcpdump -r. */
const pcap = py(`import struct
payload = ('POST /v1/deploy HTTP/1.1\\r\\nHost: api.internal:8080\\r\\nAuthorization: Bearer ' + s + '\\r\\nContent-Length: 0\\r\\n\\r\\n').encode()
def csum(b):
    b += b'\\0' * (len(b) % 2)
    t = sum(struct.unpack('!%dH' % (len(b) // 2), b)); t = (t >> 16) + (t & 0xffff); t += t >> 16
    return ~t & 0xffff
lo = bytes([127, 0, 0, 1])
tcp = struct.pack('!HHIIBBHHH', 45678, 8080, 1000, 2000, 5 << 4, 0x18, 65535, 0, 0)
c = csum(lo + lo + struct.pack('!BBH', 0, 6, len(tcp) + len(payload)) + tcp + payload)
tcp = tcp[:16] + struct.pack('!H', c) + tcp[18:]
ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(tcp) + len(payload), 1, 0x4000, 64, 6, 0, lo, lo)
ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
pkt = ip + tcp + payload
with open('cap.pcap', 'wb') as f:
    f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101))
    f.write(struct.pack('<IIII', 1700000000, 0, len(pkt), len(pkt)) + pkt)`);

export const variant8Text: Variant[] = [
  {
    id: 'rtf-writer',
    name: "Perl RTF::Writer: a report paragraph in RTF (é as \\'e9, € as \\uc1\\u8364?, \\ as \\'5c, = : # ! as they are)",
    realWorld: 'a deployment report or handover letter generated as .rtf by a Perl reporting job',
    kind: 'props',
    script: `perl -MRTF::Writer -e 'open my $f, "<:encoding(UTF-8)", "secret" or die; my $s = <$f>;
my $r = RTF::Writer->new_to_file("$ENV{OUT}/handover.rtf"); $r->prolog(title => "Handover");
$r->paragraph(\\"\\\\b", "Service credentials"); $r->paragraph("Database password: $s"); $r->close;'
grep -q "\\\\\\\\'" "$OUT/handover.rtf"`,
    where: /rtf-writer\/handover\.rtf/,
  },
  {
    id: 'pprint-settings',
    name: "Python pprint of a settings dict: a long passphrase cut at its spaces into adjacent literals ('… '\\n '…')",
    realWorld: 'a debugging step that saved `pprint.pprint(settings)` of a Django or Airflow config into a log',
    kind: 'longSpaced',
    script: `${py(`import pprint
cfg = {'DATABASES': {'default': {'ENGINE': 'django.db.backends.postgresql', 'HOST': 'db.internal', 'PASSWORD': s}}, 'DEBUG': False}
with open(os.path.join(OUT, 'settings-dump.txt'), 'w') as f:
    pprint.pprint(cfg, stream=f)`)}
grep -q "^ *'" "$OUT/settings-dump.txt"`,
    where: /pprint-settings\/settings-dump\.txt/,
  },
  {
    id: 'pprint-bytes',
    name: "Python pprint of a recorded request: its body bytes cut every ~70 columns into adjacent b'…' literals",
    realWorld: 'a test fixture of recorded HTTP requests dumped with pprint (requests PreparedRequest.body)',
    kind: 'long',
    script: py(`import pprint
req = {'method': 'POST', 'url': 'https://api.example.com/v1/token', 'body': b'grant_type=client_credentials&client_secret=' + s.encode() + b'&scope=deploy'}
with open(os.path.join(OUT, 'requests.txt'), 'w') as f:
    pprint.pprint([req], stream=f)`),
    where: /pprint-bytes\/requests\.txt/,
  },
  {
    id: 'xgettext-pot',
    name: 'xgettext of a Python module: a long msgid (a URL holding an API key) wrapped into adjacent C strings at 79 columns',
    realWorld: 'a translation template (.pot) extracted from templates that embed a maps or analytics key in a link',
    kind: 'long',
    script: `${py(`with open('views.py', 'w') as f:
    f.write('from gettext import gettext as _\\nHELP = _(' + repr('Open https://maps.example.com/embed?v=3&key=' + s + '&lang=en to see the map of the offices') + ')\\n')`)}
xgettext --from-code=UTF-8 --language=Python -o "$OUT/messages.pot" views.py
grep -q '^"' "$OUT/messages.pot"`,
    where: /xgettext-pot\/messages\.pot/,
  },
  {
    id: 'dns-txt-split',
    name: 'dnspython zone.to_file: a TXT record of more than 255 bytes as several quoted strings ("…" "…"), the value across the cut',
    realWorld: 'a zone file exported by a DNS-as-code job (octoDNS/dnspython), a TXT record carrying an app config with a token',
    kind: 'long',
    script: `cat > head.db <<'EOF'
${zoneHead}
EOF
${py(`import dns.zone, dns.rdata, dns.rdataclass, dns.rdatatype
z = dns.zone.from_file('head.db', 'example.com.', relativize=True)
value = ('v=app1; region=eu-west-1; features=' + 'x' * 180 + '; token=' + s).encode()
wire = b''.join(bytes([len(p)]) + p for p in (value[i:i + 255] for i in range(0, len(value), 255)))
rdata = dns.rdata.from_wire(dns.rdataclass.IN, dns.rdatatype.TXT, wire, 0, len(wire))
z.find_rdataset('_config', 'TXT', create=True).add(rdata, 300)
z.to_file(os.path.join(OUT, 'example.com.zone'), relativize=True)`)}
grep -q '" "' "$OUT/example.com.zone"`,
    where: /dns-txt-split\/example\.com\.zone/,
  },
  {
    id: 'dns-txt-decimal',
    name: 'dnspython zone.to_file: a TXT record beyond ASCII in presentation format (é as \\195\\169: decimal byte escapes, \\" and \\\\)',
    realWorld: 'a zone file exported by a DNS-as-code job, a verification TXT record holding a token',
    kind: 'unicode',
    script: `cat > head.db <<'EOF'
${zoneHead}
EOF
${py(`import dns.zone, dns.rdata, dns.rdataclass, dns.rdatatype
z = dns.zone.from_file('head.db', 'example.com.', relativize=True)
value = ('deploy-token=' + s).encode()
z.find_rdataset('_deploy', 'TXT', create=True).add(dns.rdata.from_wire(dns.rdataclass.IN, dns.rdatatype.TXT, bytes([len(value)]) + value, 0, len(value) + 1), 300)
z.to_file(os.path.join(OUT, 'example.com.zone'), relativize=True)`)}
grep -q '\\\\[0-9][0-9][0-9]' "$OUT/example.com.zone"`,
    where: /dns-txt-decimal\/example\.com\.zone/,
  },
  {
    id: 'named-checkzone',
    name: 'BIND named-checkzone -D: a zone dumped in canonical form (a TXT value beyond ASCII as decimal \\DDD escapes)',
    realWorld: 'a CI step that checks and canonicalises zone files with named-checkzone -D before shipping them in a DNS image',
    kind: 'unicode',
    script: `{ cat <<'EOF'
${zoneHead}
EOF
printf '_deploy IN TXT "deploy-token=%s"\\n' "$(sed 's/\\\\/\\\\\\\\/g; s/"/\\\\"/g' secret)"; } > zone.db
named-checkzone -q -D -o "$OUT/example.com.db" example.com zone.db
grep -q '\\\\[0-9][0-9][0-9]' "$OUT/example.com.db"`,
    where: /named-checkzone\/example\.com\.db/,
  },
  {
    id: 'icalendar',
    name: 'python icalendar: an event DESCRIPTION (\\; \\, \\\\ \\n escaped) folded at 75 octets, the value across a fold',
    realWorld: 'a maintenance-window .ics generated by a release job, the bridge passcode in its description',
    kind: 'unicode',
    // icalendar's escape_char writes a `\N` of the text as a line break: such a value is not in the file.
    avoid: /\\N/,
    script: py(`import icalendar, datetime
c = icalendar.Calendar(); c.add('prodid', '-//release-bot//EN'); c.add('version', '2.0')
e = icalendar.Event(); e.add('summary', 'Deploy window'); e.add('uid', 'deploy-42@example.com')
e.add('dtstart', datetime.datetime(2026, 1, 1, 10)); e.add('dtstamp', datetime.datetime(2026, 1, 1, 9))
e.add('description', 'Bridge: https://meet.example.com/j/4242, passcode; ' + s + '\\nDial in, then press #.')
c.add_component(e)
open(os.path.join(OUT, 'deploy.ics'), 'wb').write(c.to_ical())`),
    where: /icalendar\/deploy\.ics/,
  },
  {
    id: 'vcard',
    name: 'python vobject: a vCard 3.0 NOTE (\\, \\; \\\\ escaped) folded at 75 octets by a CRLF and a space',
    realWorld: "a service account's contact card exported from a CardDAV address book into a provisioning image",
    kind: 'specials',
    script: py(`import vobject
v = vobject.vCard(); v.add('fn').value = 'Deploy Bot'; v.add('n').value = vobject.vcard.Name(family='Bot', given='Deploy')
v.add('note').value = 'Service account for the release pipeline; api key, rotated yearly: ' + s
open(os.path.join(OUT, 'deploy-bot.vcf'), 'w', newline='').write(v.serialize())`),
    where: /vcard\/deploy-bot\.vcf/,
  },
  {
    id: 'ldif-base64',
    name: 'python-ldap LDIFWriter: userPassword as a base64 value (::) folded at 76 columns with a leading space',
    realWorld: 'an LDAP seed file (.ldif) for a test directory baked into an integration-test image',
    kind: 'long',
    script: py(`import ldif, io
o = io.StringIO(); w = ldif.LDIFWriter(o, cols=76)
w.unparse('cn=deploy-bot,ou=services,dc=example,dc=com', {'objectClass': [b'inetOrgPerson'], 'cn': [b'deploy-bot'], 'sn': [b'bot'], 'userPassword': [s.encode()]})
open(os.path.join(OUT, 'seed.ldif'), 'w').write(o.getvalue())`),
    where: /ldif-base64\/seed\.ldif/,
  },
  {
    id: 'sed-l',
    name: 'sed -n l of an env file: non-ASCII as octal escapes, \\\\, lines wrapped at 69 columns with a trailing \\',
    realWorld: 'a CI debugging step that showed an .env with `sed -n l` to spot stray characters, its log kept',
    kind: 'unicode',
    script: `printf 'APP_ENV=production\\nexport DEPLOY_API_TOKEN_FOR_THE_RELEASE_PIPELINE=%s\\n' "$S" > app.env
sed -n l app.env > "$OUT/env-check.log"
grep -q '\\\\$' "$OUT/env-check.log"`,
    where: /sed-l\/env-check\.log/,
  },
  {
    id: 'cat-v',
    name: 'cat -v of an env file: bytes above 0x7F in M- notation (é as M-CM-), € as M-bM-^BM-,)',
    realWorld: 'a CI debugging step that printed an .env with `cat -v` to show hidden characters, its log kept',
    kind: 'unicode',
    script: `printf 'APP_ENV=production\\nAPI_TOKEN=%s\\n' "$S" > app.env
cat -v app.env > "$OUT/env-dump.log"
grep -q 'M-' "$OUT/env-dump.log"`,
    where: /cat-v\/env-dump\.log/,
  },
  {
    id: 'cat-A',
    name: 'cat -A of a tab-separated credentials file: M- notation, ^I for a tab, $ at each line end',
    realWorld: 'a build log where a step ran `cat -A` on a generated credentials file to debug its whitespace',
    kind: 'latin1',
    script: `printf 'user\\tpassword\\ndeploy\\t%s\\n' "$S" > creds.tsv
cat -A creds.tsv > "$OUT/creds-debug.log"
grep -q 'M-' "$OUT/creds-debug.log"`,
    where: /cat-A\/creds-debug\.log/,
  },
  {
    id: 'printf-q-c-locale',
    name: "bash printf %q in the C locale: non-ASCII as $'…\\303\\251…' (ANSI-C quoting, octal bytes)",
    realWorld: 'a CI step under LC_ALL=C persisting variables for a later stage with printf %q',
    kind: 'unicode',
    script: `LC_ALL=C bash -c 'printf "export API_TOKEN=%q\\n" "$(cat secret)"' > "$OUT/vars.sh"
grep -q "\\\\$'" "$OUT/vars.sh"`,
    where: /printf-q-c-locale\/vars\.sh/,
  },
  {
    id: 'tcpdump-x',
    name: 'tcpdump -X of a captured HTTP request: 16 bytes a line as 2-byte hex groups after 0x0000:, ASCII beside (é as ..)',
    realWorld: "a network debugging log of a service's plain-HTTP call with its bearer token, kept in a troubleshooting image",
    kind: 'unicode',
    script: `${pcap}
tcpdump -r cap.pcap -nn -X > "$OUT/capture.txt" 2>/dev/null
grep -q '0x0070:' "$OUT/capture.txt"`,
    where: /tcpdump-x\/capture\.txt/,
  },
  {
    id: 'ruby-binread-inspect',
    name: 'Ruby p of a key read with File.binread (ASCII-8BIT: bytes above 0x7F as \\xC3\\xA9, \\" and \\\\)',
    realWorld: 'a Rails initializer logging the key it read from a file with binread, its log kept',
    kind: 'unicode',
    script: `ruby -e 'File.open(File.join(ENV["OUT"], "init.log"), "w") { |f| f.puts "loaded signing key: #{File.binread("secret").inspect}" }'
grep -q '\\\\x' "$OUT/init.log"`,
    where: /ruby-binread-inspect\/init\.log/,
  },
  {
    id: 'dumper-useqq',
    name: 'Perl Data::Dumper with Useqq = 1 of undecoded bytes: \\$ \\@ \\" escaped, bytes above 0x7F as octal',
    realWorld: 'a Perl deploy script that dumps its config hash with Useqq to a debug file',
    kind: 'shell',
    script: `perl -MData::Dumper -e '$Data::Dumper::Useqq = 1; $Data::Dumper::Sortkeys = 1; open my $f, "<", "secret" or die; local $/; my $s = <$f>;
open my $o, ">", "$ENV{OUT}/config.dump" or die; print $o Dumper({ db => { user => "app", password => $s, host => "db.internal" } });'
grep -q '\\\\\\$' "$OUT/config.dump"`,
    where: /dumper-useqq\/config\.dump/,
  },
];

/** Known gaps of this round: made and audited as the artifacts are, asserted still missed (none left). */
export const variant8TextGaps: Variant[] = [];
