/**
 * Promotion: copy a built image — a reference or a digest, every platform — from one registry to
 * others by digest, with the tags the destinations should get, sending only the blobs each
 * destination lacks. What a destination may already hold is found by HEAD, and mounted from the
 * repositories named in `mount-from` and the image's own base (its `base.name` label), so a base
 * every environment has is never sent again. The summary says what the copy cost: bytes sent
 * against the image's size.
 */
import { isAbsolute, resolve } from 'node:path';
import { ConfigError, parseList, parseTransfer, type ConfigIssue } from './config.js';
import { formatReference, parseReference, parseRepository, TAG_PATTERN, type Reference, type Repository } from './core/reference.js';
import { copyGraph } from './registry/copy.js';
import { describeReport } from './registry/engine.js';
import { fetchGraph, graphSize } from './registry/graph.js';
import { createClients, engineOptions, hideSecret, type Deps } from './run.js';

const MiB = 1024 * 1024;

interface PromoteConfig {
  source: Reference;
  destinations: Repository[];
  tags: string[];
  mountFrom: string[];
}

function parsePromote(read: (name: string) => string, workspace: string): PromoteConfig & ReturnType<typeof parseTransfer> {
  const issues: ConfigIssue[] = [];
  let source: Reference | undefined;
  try {
    source = parseReference(read('source'));
    if (!source.tag && !source.digest) issues.push({ input: 'source', message: `'${read('source').trim()}' names neither a tag nor a digest: promote a release by its tag or digest` });
  } catch (e) {
    issues.push({ input: 'source', message: read('source').trim() ? `'${read('source').trim()}': ${(e as Error).message}` : 'no source given: the image to promote, e.g. registry.acme/staging/app@sha256:…' });
  }
  const destinations: Repository[] = [];
  for (const line of parseList(read('destinations'))) {
    try {
      destinations.push(parseRepository(line));
    } catch (e) {
      issues.push({ input: 'destinations', message: `'${line}': ${(e as Error).message}` });
    }
  }
  if (!parseList(read('destinations')).length) issues.push({ input: 'destinations', message: 'no destination given: list the repositories to promote to' });
  const tags = parseList(read('tags'));
  for (const t of tags) if (!TAG_PATTERN.test(t)) issues.push({ input: 'tags', message: `'${t}' is not a valid tag` });
  const transfer = parseTransfer(read, (p) => (isAbsolute(p) ? p : resolve(workspace, p)), issues);
  if (issues.length) throw new ConfigError(issues);
  return { source: source!, destinations, tags: tags.length ? tags : source!.tag ? [source!.tag] : [], mountFrom: parseList(read('mount-from')), ...transfer };
}

export async function promote(deps: Deps): Promise<void> {
  const { platform, redactor } = deps;
  const config = parsePromote((name) => platform.getInput(name), platform.context.workspace);
  for (const r of config.registries.values()) if (r.password) hideSecret(deps, r.password);
  const clients = await createClients(deps, config, [config.source, ...config.destinations], []);
  try {
    const client = clients.get(config.source.host)!;
    const graph = await fetchGraph(client, config.source.path, config.source.digest ?? config.source.tag!);
    if (config.source.digest && config.source.digest !== graph.root.digest) throw new Error(`${formatReference(config.source)}: the registry answered with ${graph.root.digest}`);
    // Where destinations may hold the base already: the mount-from repositories, and the image's base.
    const hints = [...config.mountFrom, ...(await baseRepository(client, config.source.path, graph.root.bytes, graph.children[0]?.bytes))];
    platform.info(`Promoting ${formatReference(config.source)} (${graph.root.digest}, ${(graphSize(graph) / MiB).toFixed(1)} MiB${graph.children.length ? `, ${graph.children.length} platforms` : ''}) to ${config.destinations.length} repositories${hints.length ? `; mounting from ${hints.join(', ')} where a destination has them` : ''}`);
    const result = await platform.group('Promote', () => copyGraph(client, config.source, graph, config.destinations.map((repository) => ({ repository, tags: config.tags })), {
      ...engineOptions(deps, config, clients),
      mountFrom: () => hints,
    }));
    for (const r of result.reports) platform.info(describeReport(r));
    const sent = result.reports.reduce((n, r) => n + r.bytesSent, 0);
    platform.setOutput('digest', result.digest);
    platform.setOutput('tags', result.reports.flatMap((r) => r.references).join('\n'));
    platform.setOutput('bytes-sent', String(sent));
    platform.info(`Sent ${(sent / MiB).toFixed(1)} MiB of blobs for an image of ${(result.size / MiB).toFixed(1)} MiB across ${config.destinations.length} destinations`);
    await platform.summary(redactor.redact([
      `### Hoist promote: \`${formatReference(config.source)}\` → ${config.destinations.length} repositories`, '',
      `Digest \`${result.digest}\`; image ${(result.size / MiB).toFixed(1)} MiB; blobs sent ${(sent / MiB).toFixed(1)} MiB.`, '',
      ...result.reports.map((r) => `- ${describeReport(r)}`), '',
    ].join('\n')));
    const failed = result.reports.filter((r) => r.error);
    if (failed.length) throw new Error(`promotion failed on ${failed.length} of ${result.reports.length} registries (no tag moved on a failed one):\n${failed.map((r) => `  ${describeReport(r)}`).join('\n')}`);
  } finally {
    await Promise.all([...clients.values()].map((c) => c.close()));
  }
}

/** The repository path of the image's base, from its `org.opencontainers.image.base.name` label. */
async function baseRepository(client: { fetchBlob(repo: string, digest: string): Promise<AsyncIterable<Buffer>> }, repo: string, root: Buffer, firstChild: Buffer | undefined): Promise<string[]> {
  try {
    const manifest = JSON.parse((firstChild ?? root).toString('utf8')) as { config?: { digest: string } };
    if (!manifest.config) return [];
    const chunks: Buffer[] = [];
    for await (const c of await client.fetchBlob(repo, manifest.config.digest)) chunks.push(c);
    const config = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { config?: { Labels?: Record<string, string> } };
    const base = config.config?.Labels?.['org.opencontainers.image.base.name'];
    return base ? [parseReference(base).path] : [];
  } catch {
    return []; // no label or no config to read: the destinations get what they lack by HEAD
  }
}
