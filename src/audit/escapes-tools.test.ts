/**
 * Escaped secrets as real tools write them (JSON.stringify, Python's json, XML writers, bash,
 * jq, quopri, urllib, YAML writers), and one through a whole audit of a layer. Values go to the
 * tools on stdin, never in argv.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { layerTar } from '../../test/support/tar.js';
import { findIn } from './escape-find.testing.js';

/** What the scan finds of `value` in `text`: each finding's encoding and escapes. */

/** Secrets with the characters writers escape, one with non-ASCII letters. */
const SECRETS = [`p+ss/w0rd<&>"it's"\\=%x`, 'Zürich+Grüße€/s3cr3t!', 'tok en+with spaces&=%2B'];

/** A tool's output for `input` (on stdin). */
const run = (cmd: string, args: string[], input: string) => execFileSync(cmd, args, { input, encoding: 'utf8' });
const py = (code: string, input: string) => run('python3', ['-c', `import sys\n${code}`], input);

/** System.Text.Json's default encoder (JavaScriptEncoder.Default), as documented: + < > & ' ` and everything outside ASCII as \uXXXX (upper-case hex). */
const systemTextJson = (value: unknown) =>
  JSON.stringify(value).replace(/[+<>&'`\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);

// Each case starts its tool six times (python3 with PyYAML takes a while on a busy machine).
describe('escaped secrets as real tools write them', { timeout: 60_000 }, () => {
  const cases: Array<[string, (v: string) => string, RegExp]> = [
    ['JSON.stringify', (v) => JSON.stringify({ password: v }), /backslash-escaped|JSON \\u-escaped|^plain$/],
    ["System.Text.Json's default encoder (+ as \\u002B)", (v) => systemTextJson({ Password: v }), /JSON \\u-escaped/],
    ['Python json.dumps (ensure_ascii)', (v) => py('import json; print(json.dumps({"password": sys.stdin.read()}))', v), /JSON \\u-escaped|backslash-escaped/],
    ['jq -a (ASCII output)', (v) => run('jq', ['-a', '-R', '{password: .}'], v), /JSON \\u-escaped|backslash-escaped/],
    [
      'NuGet.Config written by ElementTree',
      (v) =>
        py(
          `import xml.etree.ElementTree as E; r=E.Element("configuration"); s=E.SubElement(E.SubElement(r,"packageSourceCredentials"),"feed"); E.SubElement(s,"add",key="Username",value="ci"); E.SubElement(s,"add",key="ClearTextPassword",value=sys.stdin.read()); print(E.tostring(r,encoding="unicode"))`,
          v,
        ),
      /XML entities/,
    ],
    [
      'Maven settings.xml written by ElementTree (ASCII, non-ASCII as character references)',
      (v) =>
        py(
          `import xml.etree.ElementTree as E; r=E.Element("settings"); s=E.SubElement(E.SubElement(r,"servers"),"server"); E.SubElement(s,"id").text="central"; E.SubElement(s,"password").text=sys.stdin.read(); sys.stdout.write(E.tostring(r,encoding="us-ascii").decode())`,
          v,
        ),
      /XML entities/,
    ],
    ['bash printf %q', (v) => run('bash', ['-c', 'IFS= read -r -d "" v; printf "export TOKEN=%q\\n" "$v"'], v), /shell-quoted|escaped/],
    ['bash ${v@Q}', (v) => run('bash', ['-c', 'IFS= read -r -d "" v; printf "TOKEN=%s\\n" "${v@Q}"'], v), /shell-quoted|escaped/],
    ['Python shlex.quote', (v) => py('import shlex; print("docker login -p " + shlex.quote(sys.stdin.read()))', v), /shell-quoted|^plain$/],
    [
      "Python quopri (a long line, broken with '=' soft line breaks)",
      (v) => py('import quopri; sys.stdout.write(quopri.encodestring(("x" * 60 + sys.stdin.read()).encode()).decode())', v),
      /quoted-printable/,
    ],
    ['Python urllib.parse.quote', (v) => py('from urllib.parse import quote; print("https://h/?t=" + quote(sys.stdin.read(), safe=""))', v), /URL-encoded/],
    [
      'Python urllib.parse.urlencode (form)',
      (v) => py('from urllib.parse import urlencode; print(urlencode({"a": "1", "token": sys.stdin.read()}))', v),
      /form-encoded|URL-encoded/,
    ],
    [
      'PyYAML double-quoted, narrow',
      (v) => py('import yaml; print(yaml.dump({"token": sys.stdin.read()}, default_style=\'"\', width=12))', v),
      /escaped|YAML|^plain$/,
    ],
    [
      'yaml (npm) double-quoted',
      (v) => YAML.stringify({ token: v }, { defaultStringType: 'QUOTE_DOUBLE', lineWidth: 20, minContentWidth: 0 }),
      /escaped|YAML|^plain$/,
    ],
    ['two rounds: a URL-encoded value in System.Text.Json', (v) => systemTextJson({ url: `https://h/?t=${encodeURIComponent(v)}` }), /URL-encoded/],
  ];

  it.each(cases)('finds each secret in %s, naming the escapes', (_, write, names) => {
    // Property: what a real writer makes of a secret is read back; nearest variant: the same writer on a clean value finds nothing.
    for (const secret of SECRETS) {
      const text = write(secret);
      const found = findIn(secret, text);
      expect(found.length, text).toBeGreaterThan(0);
      // Where the writer left the value as it is (nothing in it to escape), a plain finding is the right one.
      expect(text.includes(secret) ? 'plain' : found.join('; '), text).toMatch(text.includes(secret) ? /plain/ : names);
      expect(findIn(secret, write(secret.replace(/[a-z]/, 'Q').replace(/[0-9]/, '7'))), 'a near miss').toEqual([]);
    }
  });
});

describe('through the audit of a layer', { timeout: 60_000 }, () => {
  it('names the file and the escapes, never the value', async () => {
    const { initLayout, writeBlobBytes, MediaType } = await import('../oci/layout.js');
    const { auditLayout } = await import('./audit.js');
    const secret = 'nuget+P@ss<w0rd>&more';
    const config = py(
      `import xml.etree.ElementTree as E; r=E.Element("configuration"); E.SubElement(r,"add",key="ClearTextPassword",value=sys.stdin.read()); print(E.tostring(r,encoding="unicode"))`,
      secret,
    );
    expect(config).not.toContain(secret);
    const dir = await mkdtemp(join(tmpdir(), 'hoist-unit-'));
    try {
      await initLayout(dir);
      const layer = await writeBlobBytes(dir, gzipSync(await layerTar('root/.nuget/NuGet/NuGet.Config', config)));
      const cfg = await writeBlobBytes(
        dir,
        Buffer.from(JSON.stringify({ config: { Env: [`HINT=${systemTextJson(secret)}`] }, history: [{ created_by: 'COPY NuGet.Config' }] })),
      );
      const bytes = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MediaType.ociManifest,
          config: { mediaType: MediaType.ociConfig, ...cfg },
          layers: [{ mediaType: MediaType.ociLayerGzip, ...layer }],
        }),
      );
      const node = { digest: (await writeBlobBytes(dir, bytes)).digest, mediaType: MediaType.ociManifest, bytes };
      const result = await auditLayout(
        dir,
        { root: node, children: [], blobs: [] },
        { secrets: [{ name: "secret 'nuget'", value: secret }], handedKeys: new Map(), redact: (t) => t },
      );
      const leaks = result.findings.filter((f) => f.severity === 'leak');
      expect(leaks.map((f) => [f.what, f.where.replace(/sha256:[0-9a-f]+/, 'D')])).toEqual(
        expect.arrayContaining([
          ["secret 'nuget', XML entities", 'layer D (COPY NuGet.Config), root/.nuget/NuGet/NuGet.Config'],
          ["secret 'nuget', JSON \\u-escaped", expect.stringContaining('config.Env[0]')],
        ]),
      );
      expect(JSON.stringify(result)).not.toContain(secret);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
