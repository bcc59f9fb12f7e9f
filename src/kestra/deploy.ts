// `railclone kestra deploy`: check every flow here (flow-rules.ts), validate it on the server, upload the bundle as the namespace file
// the script tasks run, then create or update each flow. Nothing is saved unless every flow validates.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, parseDocument } from 'yaml';
import { RailcloneError, ValidationError } from '../util/errors.js';
import type { Logger } from '../util/log.js';
import type { KestraClient } from './client.js';
import { flowProblems } from './flow-rules.js';

export const BUNDLE_FILE = 'railclone.mjs';

export interface FlowFile {
  file: string;
  id: string;
  namespace: string;
  yaml: string;
}

/** Reads flows/*.yml; with `namespace` given, moves every flow into it (comments kept). */
export async function readFlows(dir: string, namespace?: string): Promise<FlowFile[]> {
  const names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  if (names.length === 0)
    throw new ValidationError('--flows', `no flow files (*.yml) in ${dir}`, { provided: dir });
  const flows: FlowFile[] = [];
  for (const name of names) {
    const file = join(dir, name);
    const doc = parseDocument(await readFile(file, 'utf8'));
    if (doc.errors.length > 0)
      throw new ValidationError('--flows', `${file} is not valid YAML: ${doc.errors[0]!.message}`);
    const id = doc.get('id');
    if (typeof id !== 'string' || id === '') throw new ValidationError('--flows', `${file} has no flow id`);
    if (namespace) doc.set('namespace', namespace);
    const ns = doc.get('namespace');
    if (typeof ns !== 'string' || ns === '') throw new ValidationError('--flows', `${file} has no namespace`);
    flows.push({ file, id, namespace: ns, yaml: doc.toString() });
  }
  return flows;
}

export interface DeployReport {
  namespace: string;
  bundleBytes: number;
  flows: { id: string; namespace: string; created: boolean; revision?: number }[];
}

export async function deploy(
  client: KestraClient,
  opts: { flowsDir: string; bundlePath: string; namespace: string; log: Logger },
): Promise<DeployReport> {
  const flows = await readFlows(opts.flowsDir, opts.namespace);

  // First what Kestra 1.3 and 2.0 would both refuse, checked here, so nothing is sent for a flow that cannot
  // be saved; then the server's own verdict.
  const local = flows.flatMap((f) => flowProblems(parse(f.yaml)).map((p) => `${f.file}: ${p}`));
  if (local.length > 0)
    throw new RailcloneError('FlowInvalid', `${local.length} flow problem(s):\n${local.join('\n')}`, {
      problems: local,
    });

  const problems: string[] = [];
  for (const flow of flows) {
    const verdicts = await client.validateFlows(flow.yaml);
    for (const v of verdicts) {
      if (v.constraints) problems.push(`${flow.file}: ${v.constraints}`);
      for (const w of v.warnings ?? []) opts.log.warn(`${flow.file}: ${w}`);
    }
  }
  if (problems.length > 0) {
    const hint = problems.some((p) => /scripts\.node/.test(p))
      ? " (is the plugin io.kestra.plugin:plugin-script-node installed in Kestra's plugins directory?)"
      : '';
    throw new RailcloneError(
      'FlowInvalid',
      `Kestra rejected ${problems.length} flow problem(s)${hint}:\n${problems.join('\n')}`,
      {
        problems,
      },
    );
  }

  let bundle: Buffer;
  try {
    bundle = await readFile(opts.bundlePath);
  } catch {
    throw new ValidationError(
      '--bundle',
      `bundle ${opts.bundlePath} not found; run \`npm run build\` first`,
      {
        provided: opts.bundlePath,
      },
    );
  }
  await client.uploadNamespaceFile(opts.namespace, `/${BUNDLE_FILE}`, bundle);
  opts.log.info(`uploaded ${BUNDLE_FILE} (${bundle.length} bytes) to namespace ${opts.namespace}`);

  const report: DeployReport = { namespace: opts.namespace, bundleBytes: bundle.length, flows: [] };
  for (const flow of flows) {
    const { flow: saved, created } = await client.saveFlow(flow.namespace, flow.id, flow.yaml);
    opts.log.info(
      `${created ? 'created' : 'updated'} flow ${flow.namespace}.${flow.id} (revision ${saved?.revision ?? '?'})`,
    );
    report.flows.push({
      id: flow.id,
      namespace: flow.namespace,
      created,
      ...(saved?.revision === undefined ? {} : { revision: saved.revision }),
    });
  }
  return report;
}
