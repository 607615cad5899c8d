// Property: a packet capture made by tcpdump (an HTTP POST from python's http.client to http.server, in a network
// namespace of its own with a 1500-byte MTU and no segmentation offload, so the JSON body's token lies across two TCP
// segments) has its TCP streams put back together by sequence number — fed in random chunk sizes (seed named) — so the
// token is found under its stream (`srv/api.pcap!/tcp 127.0.0.1:…-127.0.0.1:8080…`); with the body's two data records
// swapped (a segment that comes early) it is still found; the clean twin gives no finding; damaged copies (seed named)
// never throw. Fails with pcap unregistered: no finding (round 12's pcap-tcp-across, missed by the shipped bundle).
// Nearest real-world variant: a capture taken while debugging an API client (tcpdump -w debug.pcap) left in the image.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { damaged, DAMAGE_SEED, decodeWith } from './decode.testing.js';
import { pcap } from './pcap.js';
import { auditFiles, has, SECRET } from './testing.js';

const rng = seededPerTest(0x9cab);
const CAN = process.getuid?.() === 0 && ['tcpdump', 'ethtool', 'unshare', 'python3'].every(has);

/** The capture of a POST whose 2,500-byte JSON body holds `value` across the body's first 1448-byte segment's end. */
function capture(value: string): Buffer {
  const d = mkdtempSync(join(tmpdir(), 'hoist-pcap-'));
  try {
    writeFileSync(join(d, 'secret'), value);
    const script = `set -euo pipefail
cd ${d}
python3 - <<'PY'
s = open('secret', encoding='utf-8').read()
lead, mid = '{"description": "', '", "api_token": "'
at = 1448 - len(lead) - len(mid) - len(s.encode()) // 2
words = ' '.join('replica-%03d in zone eu-west-1%s;' % (i, 'abc'[i % 3]) for i in range(200))
body = lead + words[:at] + mid + s + '", "replicas": 3, "padding": "'
body += 'x' * (2500 - len(body.encode()) - 3) + '"}\\n'
open('body.json', 'wb').write(body.encode())
PY
unshare -n bash -c 'set -e
ip link set lo mtu 1500 up && ethtool -K lo tso off gso off > /dev/null
tcpdump -i lo -U --immediate-mode -s 0 -w cap.pcap "tcp port 8080" 2> tcpdump.err & T=$!
for _ in $(seq 1 1200); do grep -q listening tcpdump.err && break; sleep 0.05; done
python3 -m http.server 8080 --bind 127.0.0.1 > server.log 2>&1 & P=$!
python3 -c "
import http.client, time
for _ in range(1200):
    try:
        c = http.client.HTTPConnection(\\"127.0.0.1\\", 8080); c.connect(); break
    except OSError:
        time.sleep(0.05)
c.request(\\"POST\\", \\"/api/config\\", open(\\"body.json\\", \\"rb\\").read(), {\\"Content-Type\\": \\"application/json\\"})
c.getresponse().read()"
for _ in $(seq 1 1200); do [ "$(stat -c %s cap.pcap)" -gt 3000 ] && break; sleep 0.05; done
kill $P; kill -INT $T; wait $T || true'`;
    execFileSync('bash', ['-c', script], { stdio: ['ignore', 'ignore', 'pipe'] });
    return readFileSync(join(d, 'cap.pcap'));
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
}

/** The capture's records (classic pcap, little-endian), the two largest swapped: the body's segments out of order. */
function swapped(file: Buffer): Buffer {
  const recs: Buffer[] = [];
  for (let at = 24; at + 16 <= file.length;) {
    const n = 16 + file.readUInt32LE(at + 8);
    recs.push(file.subarray(at, at + n));
    at += n;
  }
  const [a, b] = recs
    .map((r, i) => [r.length, i] as const)
    .sort((x, y) => y[0] - x[0])
    .map(([, i]) => i)
    .sort((x, y) => x - y);
  [recs[a!], recs[b!]] = [recs[b!]!, recs[a!]!];
  return Buffer.concat([file.subarray(0, 24), ...recs]);
}

describe.runIf(CAN)(`packet captures (seed ${rng.seed})`, { timeout: 60_000 }, () => {
  it('the POST body rebuilt across its segments, in order and with two segments swapped; the clean twin passes', async () => {
    const cap = capture(SECRET);
    expect(cap.includes(SECRET)).toBe(false);
    for (const file of [cap, swapped(cap)]) {
      const { out, limits } = await decodeWith(pcap, file, { chunk: rng.int(1, 3000) });
      expect(limits).toEqual([]);
      expect(out.includes(`"api_token": "${SECRET}"`)).toBe(true);
      const found = await auditFiles({ 'srv/api.pcap': file });
      expect(found.length).toBeGreaterThan(0);
      for (const f of found)
        expect(f).toEqual(
          expect.objectContaining({ severity: 'leak', path: expect.stringMatching(/^srv\/api\.pcap!\/tcp 127\.0\.0\.1:\d+-127\.0\.0\.1:8080/) }),
        );
    }
    expect(await auditFiles({ 'srv/api.pcap': capture('tok-clean-twin-000000000000000') })).toEqual([]);
  });

  it(`damaged copies (seed ${DAMAGE_SEED}) never throw`, async () => {
    const cap = capture(SECRET);
    for (const d of damaged(cap, 16)) await expect(decodeWith(pcap, d, { chunk: rng.int(1, 3000) })).resolves.toBeDefined();
  });
});
