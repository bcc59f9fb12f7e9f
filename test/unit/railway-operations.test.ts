// Every document the Railway client can send must validate against Railway's published schema.
import { readFileSync } from 'node:fs';
import { buildSchema, parse, validate, type GraphQLSchema, OperationTypeNode, Kind } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALL_OPERATIONS, METHOD_OPERATIONS, type Operation } from '../../src/railway/operations.js';
import { RailwayClient } from '../../src/railway/client.js';
import { sharedReference } from '../shared-reference.js';

const schemaPath = sharedReference('railway', 'schema.graphql');
let schema: GraphQLSchema;

function errorsOf(document: string): string[] {
  return validate(schema, parse(document)).map((e) => e.message);
}

beforeAll(() => {
  schema = buildSchema(readFileSync(schemaPath, 'utf8'));
});

describe('Railway operations', () => {
  it('has operations to check', () => {
    expect(ALL_OPERATIONS.length).toBeGreaterThan(20);
  });

  it.each(ALL_OPERATIONS.map((op) => [op.name, op] as const))(
    '%s validates against the schema',
    (_name, op) => {
      expect(errorsOf(op.document)).toEqual([]);
    },
  );

  it.each(ALL_OPERATIONS.map((op) => [op.name, op] as const))(
    '%s is one named operation whose name and kind match its descriptor',
    (_name, op: Operation) => {
      const doc = parse(op.document);
      expect(doc.definitions).toHaveLength(1);
      const def = doc.definitions[0]!;
      expect(def.kind).toBe(Kind.OPERATION_DEFINITION);
      if (def.kind !== Kind.OPERATION_DEFINITION) return;
      expect(def.name?.value).toBe(op.name);
      expect(def.operation).toBe(op.kind === 'query' ? OperationTypeNode.QUERY : OperationTypeNode.MUTATION);
      // Only queries may be flagged idempotent by default; creates must not be.
      if (/Create$/.test(op.name)) expect(op.idempotent).toBe(false);
    },
  );

  it('has unique operation names', () => {
    const names = ALL_OPERATIONS.map((o) => o.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('covers every method of RailwayClient, and only with listed operations', () => {
    const methods = Object.getOwnPropertyNames(RailwayClient.prototype).filter(
      (m) =>
        m !== 'constructor' &&
        !m.startsWith('_') &&
        typeof (RailwayClient.prototype as never)[m] === 'function',
    );
    const mapped = Object.keys(METHOD_OPERATIONS);
    for (const m of mapped) expect(methods).toContain(m);
    for (const [method, ops] of Object.entries(METHOD_OPERATIONS)) {
      expect(ops.length, method).toBeGreaterThan(0);
      for (const op of ops) expect(ALL_OPERATIONS, `${method} → ${op.name}`).toContain(op);
    }
    // Every listed operation is used by some method.
    const used = new Set(Object.values(METHOD_OPERATIONS).flat());
    for (const op of ALL_OPERATIONS) expect(used.has(op), op.name).toBe(true);
  });

  it('catches drift: a document using a field Railway does not have fails validation', () => {
    const broken = `query Broken($id: String!) { environment(id: $id) { id name isEphemeral sourceEnv { id } } }`;
    const errors = errorsOf(broken);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join('\n')).toMatch(/sourceEnv/);
    // Input-field drift too: `ephemeral` is the input name; `isEphemeral` is not an input field.
    const badInput = `mutation B { environmentCreate(input: {projectId: "p", name: "n", isEphemeral: true}) { id } }`;
    expect(errorsOf(badInput).join('\n')).toMatch(/isEphemeral/);
    // Missing selection set on an object return (a known docs bug) fails too.
    expect(errorsOf(`query C { environmentStagedChanges(environmentId: "e") }`).length).toBeGreaterThan(0);
  });
});
