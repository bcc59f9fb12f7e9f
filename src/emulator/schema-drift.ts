// Proves our SDL is a strict subset of Railway's: every type, field, argument and input field we define
// must exist in the real schema with the same type string. Returns the differences, empty when none.
import {
  buildSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isScalarType,
  isUnionType,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';

function kind(t: GraphQLNamedType): string {
  if (isObjectType(t)) return 'object';
  if (isInputObjectType(t)) return 'input';
  if (isEnumType(t)) return 'enum';
  if (isScalarType(t)) return 'scalar';
  if (isInterfaceType(t)) return 'interface';
  if (isUnionType(t)) return 'union';
  return 'unknown';
}

export function schemaDrift(oursSdl: string, realSdl: string): string[] {
  return compareSchemas(buildSchema(oursSdl), buildSchema(realSdl));
}

export function compareSchemas(ours: GraphQLSchema, real: GraphQLSchema): string[] {
  const drift: string[] = [];
  for (const t of Object.values(ours.getTypeMap())) {
    if (t.name.startsWith('__')) continue;
    const r = real.getType(t.name);
    if (!r) {
      drift.push(`type ${t.name} does not exist in the real schema`);
      continue;
    }
    if (kind(t) !== kind(r)) {
      drift.push(`type ${t.name} is ${kind(t)} here but ${kind(r)} in the real schema`);
      continue;
    }
    if (isEnumType(t) && isEnumType(r)) {
      const realValues = new Set(r.getValues().map((v) => v.name));
      for (const v of t.getValues())
        if (!realValues.has(v.name)) drift.push(`enum value ${t.name}.${v.name} does not exist`);
    }
    if ((isObjectType(t) || isInterfaceType(t)) && (isObjectType(r) || isInterfaceType(r))) {
      const realFields = r.getFields();
      for (const f of Object.values(t.getFields())) {
        const rf = realFields[f.name];
        if (!rf) {
          drift.push(`field ${t.name}.${f.name} does not exist`);
          continue;
        }
        if (String(f.type) !== String(rf.type))
          drift.push(`field ${t.name}.${f.name} is ${f.type} here but ${rf.type} in the real schema`);
        for (const a of f.args) {
          const ra = rf.args.find((x) => x.name === a.name);
          if (!ra) drift.push(`argument ${t.name}.${f.name}(${a.name}) does not exist`);
          else if (String(a.type) !== String(ra.type))
            drift.push(
              `argument ${t.name}.${f.name}(${a.name}) is ${a.type} here but ${ra.type} in the real schema`,
            );
        }
        // A required argument of the real field that we leave out would accept queries Railway rejects.
        for (const ra of rf.args) {
          if (
            String(ra.type).endsWith('!') &&
            ra.defaultValue === undefined &&
            !f.args.some((a) => a.name === ra.name)
          ) {
            drift.push(
              `argument ${t.name}.${f.name}(${ra.name}) is required in the real schema but missing here`,
            );
          }
        }
      }
    }
    if (isInputObjectType(t) && isInputObjectType(r)) {
      const realFields = r.getFields();
      for (const f of Object.values(t.getFields())) {
        const rf = realFields[f.name];
        if (!rf) drift.push(`input field ${t.name}.${f.name} does not exist`);
        else if (String(f.type) !== String(rf.type))
          drift.push(`input field ${t.name}.${f.name} is ${f.type} here but ${rf.type} in the real schema`);
      }
      // Inputs are whole: a field we drop would make a valid Railway request fail validation here.
      for (const rf of Object.values(realFields))
        if (!t.getFields()[rf.name]) drift.push(`input field ${t.name}.${rf.name} is missing here`);
    }
  }
  return drift;
}
