import { readFileSync } from 'node:fs';
import { buildSchema, isObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { emulatorSdl } from '../../src/emulator/schema-sdl.js';
import { schemaDrift } from '../../src/emulator/schema-drift.js';
import { sharedReference } from '../shared-reference.js';

const realSdl = readFileSync(sharedReference('railway', 'schema.graphql'), 'utf8');

describe('emulator schema', () => {
  it('is a strict subset of the real Railway schema', () => {
    expect(schemaDrift(emulatorSdl, realSdl)).toEqual([]);
  });

  it('keeps the exact connection type names and custom scalars', () => {
    const ours = buildSchema(emulatorSdl);
    for (const name of [
      'ProjectEnvironmentsConnection',
      'ProjectEnvironmentsConnectionEdge',
      'QueryEnvironmentsConnection',
      'EnvironmentServiceInstancesConnection',
      'EnvironmentVolumeInstancesConnection',
      'PageInfo',
    ])
      expect(isObjectType(ours.getType(name)), name).toBe(true);
    for (const name of ['JSON', 'DateTime', 'EnvironmentConfig', 'EnvironmentVariables'])
      expect(ours.getType(name), name).toBeTruthy();
  });

  it('reports drift in types, fields, arguments, inputs and enums', () => {
    const wrong = `
      type Query { project(id: ID!): Project!  nope: String  environments(projectId: String!, bogus: Int): Int }
      type Project { id: ID!  name: String  made_up: Int }
      type Imaginary { id: ID! }
      input EnvironmentRenameInput { name: String! extra: Int }
      enum SortOrder { asc desc sideways }
      input EnvironmentCreateInput { projectId: String! }
    `;
    const drift = schemaDrift(wrong, realSdl);
    expect(drift).toEqual(
      expect.arrayContaining([
        'argument Query.project(id) is ID! here but String! in the real schema',
        'field Query.nope does not exist',
        'argument Query.environments(bogus) does not exist',
        'field Query.environments is Int here but QueryEnvironmentsConnection! in the real schema',
        'field Project.name is String here but String! in the real schema',
        'field Project.made_up does not exist',
        'type Imaginary does not exist in the real schema',
        'input field EnvironmentRenameInput.extra does not exist',
        'enum value SortOrder.sideways does not exist',
        'input field EnvironmentCreateInput.name is missing here',
      ]),
    );
  });

  it('reports a required real argument left out', () => {
    const drift = schemaDrift('type Query { variables(projectId: String!): JSON }\nscalar JSON', realSdl);
    expect(drift).toContain(
      'argument Query.variables(environmentId) is required in the real schema but missing here',
    );
  });
});
