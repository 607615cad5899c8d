/**
 * WARC files (ISO 28500: `wget --warc-file`, Heritrix, Browsertrix, pywb's recorder; `.warc`, or `.warc.gz` whose
 * gzip members — one a record — the gzip reader joins into one content): record after record, each a `WARC/1.x`
 * version line, named fields, a blank line, then a block of `Content-Length` bytes and two CRLFs. A response
 * record's block is the HTTP message as it went over the wire — its body chunked (`Transfer-Encoding: chunked`: a
 * size line every chunk, through a value) and compressed as the server chose (brotli, with no magic number to be
 * found by) — so a scan of the file sees neither the body nor the streams inside it. Each block is written as a
 * member of its own (`crawl.warc.gz!/record 3 (response http://host/api)`), where the HTTP reader
 * (`http-message.ts`) takes the message's framing and encoding out and the rest is claimed or scanned as any content
 * is. A record's head over 64 KiB, a block cut short, or bytes between records that start none are named.
 */
import { recordWalk } from './records.js';
import { sniffHttp } from './http-message.js';
import type { Decoder } from './types.js';

/** `WARC/` and a version (1.0, 1.1; 0.17 and 0.18 from older crawlers), then the line's end. */
const VERSION = /^WARC\/\d\.\d{1,2}\r?\n/;
/** The most a record's head (version line and fields) may take. */
const HEAD_MAX = 64 * 1024;
/** The bytes of an application/http block told an HTTP message by (its start line and a header line). */
const HTTP_SNIFF = 256;
/** The CRLF CRLF that ends a record's head and follows its block. */
const END = Buffer.from('\r\n\r\n');

/** Whether `head` starts a WARC record: the version line, then a named field. */
export const isWarc = (head: Uint8Array): boolean => {
  const text = Buffer.from(head.subarray(0, 64)).toString('latin1');
  return VERSION.test(text) && /^WARC\/[\d.]+\r?\n[!#$%&'*+.^_`|~0-9A-Za-z-]+:/.test(text);
};

/** A field of a record's head, by its name (case-insensitive), trimmed. */
const field = (head: string, name: string): string | undefined => new RegExp(`^${name}:[ \\t]*(.*?)[ \\t]*\\r?$`, 'im').exec(head)?.[1];

/** The member name of record `n`: its type and, where it has one, the URI it was made from (no control characters). */
const recordName = (n: number, head: string): string => {
  const type = field(head, 'WARC-Type') ?? 'record';
  const uri = field(head, 'WARC-Target-URI')?.replace(/^<(.*)>$/, '$1');
  const clean = (s: string) => Array.from(s.slice(0, 200), (c) => (c < ' ' || c === '\x7f' ? '?' : c)).join('');
  return `record ${n} (${clean(type)}${uri ? ` ${clean(uri)}` : ''})`;
};

export const warc: Decoder = {
  name: 'WARC file',
  sniff: (h) => isWarc(h),
  open(env) {
    let records = 0;
    /** The application/http records whose block's start is still being gathered (HTTP_SNIFF bytes). */
    const http = new Map<object, Buffer>();
    return recordWalk(
      env,
      'WARC file',
      6,
      (first) => {
        // A writer that put one CRLF after a block, not two: the line ends before the next record's version taken with it.
        let at = 0;
        while (at < 4 && (first[at] === 0x0d || first[at] === 0x0a)) at++;
        if (first.length < at + 5) return first.length + 1;
        if (first.toString('latin1', at, at + 5) !== 'WARC/') return 'bytes between records that start no WARC record';
        const end = first.indexOf(END, at);
        if (end >= 0) return end + END.length;
        // The head is not whole yet: wait for more, as long as a head may be.
        return first.length >= HEAD_MAX ? `a record's head over ${HEAD_MAX / 1024} KiB` : first.length + 1;
      },
      (h) => {
        const head = h.toString('latin1').replace(/^[\r\n]+/, '');
        if (!VERSION.test(head)) return 'a record without its version line';
        const length = field(head, 'Content-Length');
        if (length === undefined || !/^\d{1,15}$/.test(length)) return 'a record without a Content-Length';
        records++;
        // Two CRLFs follow the block (ISO 28500 §4).
        const record = { name: recordName(records, head), skip: 0, size: Number(length), pad: END.length };
        if (/^application\/http\b/i.test(field(head, 'Content-Type') ?? '') && record.size > 0) http.set(record, Buffer.alloc(0));
        return record;
      },
      // A block its head says is an HTTP message (a response, a request) that does not start as one (a byte set in its
      // start line): the HTTP reader does not claim it, and its body — brotli, chunked — would be scanned as it is.
      (record, bytes) => {
        const held = http.get(record);
        if (!held) return;
        const head = Buffer.concat([held, bytes.subarray(0, HTTP_SNIFF)]);
        if (head.length < Math.min(HTTP_SNIFF, record.size)) return void http.set(record, head);
        http.delete(record);
        if (!sniffHttp(head)) env.limit(`a damaged WARC file (${record.name}: its block is no HTTP message, as its head says): it is not read as one`);
      },
    );
  },
};
