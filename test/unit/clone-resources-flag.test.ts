// `railclone clone --resources SERVICE:field=value,…` → the request's `resources`, checked by the schema.
import { describe, expect, it } from 'vitest';
import { requestFromFlags, type CloneFlags } from '../../src/commands/clone.js';
import { CloneRequestSchema, parseInput } from '../../src/inputs/index.js';

const flags = (resources: string[]) =>
  ({ client: 'c', resources, rewrite: true, basicAuth: true, data: true }) as CloneFlags;

describe('--resources', () => {
  it('becomes resources per service, with numbers and booleans typed', () => {
    const req = parseInput(
      CloneRequestSchema,
      requestFromFlags(
        flags(['Primary:replicas=2,region=us-west2,sleep=true', 'Primary:vcpus=0.5,memory_gb=1']),
      ),
    );
    expect(req.resources).toEqual({
      Primary: { replicas: 2, region: 'us-west2', sleep: true, vcpus: 0.5, memory_gb: 1 },
    });
  });

  it('names the flag and the allowed fields when it is malformed', () => {
    expect(() => requestFromFlags(flags(['replicas=2']))).toThrow(
      /--resources must look like SERVICE:replicas=/,
    );
    expect(() => requestFromFlags(flags(['Primary:cpu=2']))).toThrow(/unknown field "cpu"/);
    expect(() => parseInput(CloneRequestSchema, requestFromFlags(flags(['Primary:replicas=two'])))).toThrow(
      /resources/,
    );
  });
});
