// The checks `railclone kestra deploy` runs on every flow before anything is uploaded: what Kestra 1.3.31
// and 2.0.0's own validation (FlowService, as on POST /flows) refuses and what Kestra 2.0 removed, so a flow
// that passes here also passes on either server. test/kestra/ runs the flows through Kestra's engine to keep
// this list honest.

type Node = Record<string, unknown>;

/** Kestra 2.0 no longer parses these. */
const REMOVED_TASKS = /\.ForEach(Item)?$/;
const REMOVED_INPUT_TYPES = new Set(['BOOLEAN', 'ENUM']);
const SCRIPT_TASK = /^io\.kestra\.plugin\.scripts\./;
const PROCESS_RUNNER = 'io.kestra.plugin.core.runner.Process';

const isNode = (v: unknown): v is Node => v !== null && typeof v === 'object' && !Array.isArray(v);
const list = (v: unknown): Node[] => (Array.isArray(v) ? v.filter(isNode) : []);

/** Every task of a flow, nested ones (flowable `tasks`, `then`, `else`, `errors`, `finally`) included. */
export function allTasks(flow: Node): Node[] {
  const out: Node[] = [];
  const walk = (tasks: unknown) => {
    for (const t of list(tasks)) {
      out.push(t);
      for (const key of ['tasks', 'then', 'else', 'errors', 'finally']) walk(t[key]);
    }
  };
  for (const key of ['tasks', 'errors', 'finally', 'afterExecution']) walk(flow[key]);
  return out;
}

function strings(node: unknown): string[] {
  if (typeof node === 'string') return [node];
  if (Array.isArray(node)) return node.flatMap(strings);
  if (isNode(node)) return Object.values(node).flatMap(strings);
  return [];
}

/** Problems of one parsed flow, each naming where; empty when Kestra 1.3 and 2.0 would both accept it. */
export function flowProblems(flow: unknown): string[] {
  if (!isNode(flow)) return ['the document is not a flow (a YAML mapping with id, namespace, tasks)'];
  const problems: string[] = [];
  for (const key of ['id', 'namespace'])
    if (typeof flow[key] !== 'string' || flow[key] === '') problems.push(`${key} is missing`);
  if (list(flow.tasks).length === 0) problems.push('tasks is empty');
  if ('pluginDefaults' in flow) problems.push('pluginDefaults: removed in Kestra 2.0');
  for (const input of list(flow.inputs)) {
    const where = `inputs.${String(input.id)}`;
    if ('defaults' in input && input.required === false)
      problems.push(
        `${where}: an input with a default value must be required, since the default is always applied (Kestra refuses required: false here)`,
      );
    if (REMOVED_INPUT_TYPES.has(String(input.type)))
      problems.push(`${where}: type ${String(input.type)} was removed in Kestra 2.0 (use BOOL or SELECT)`);
  }
  for (const trigger of list(flow.triggers))
    if ('conditions' in trigger)
      problems.push(`triggers.${String(trigger.id)}: conditions were removed in Kestra 2.0 (use when)`);
  for (const task of allTasks(flow)) {
    const where = `tasks.${String(task.id)}`;
    const type = String(task.type);
    if (REMOVED_TASKS.test(type)) problems.push(`${where}: ${type} was removed in Kestra 2.0 (use Loop)`);
    const runner = isNode(task.taskRunner) ? task.taskRunner.type : undefined;
    if (SCRIPT_TASK.test(type) && runner !== PROCESS_RUNNER)
      problems.push(
        `${where}: a script task needs taskRunner: {type: ${PROCESS_RUNNER}} (the default runner is Docker)`,
      );
  }
  if (strings(flow).some((s) => /\bjson\(/.test(s)))
    problems.push('json() was renamed fromJson() in Kestra 2.0');
  return problems;
}
