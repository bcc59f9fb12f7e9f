// The executable schema: our SDL plus one field resolver that looks up Type.field in the resolver
// maps and falls back to reading the property. Built with graphql-js alone: @graphql-tools would load
// a second copy of graphql under vitest (CJS next to ESM), and graphql refuses schemas across copies.
import { buildSchema, defaultFieldResolver, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { emulatorSdl } from '../schema-sdl.js';
import type { Ctx, PageArgs } from './context.js';
import { Mutation } from './mutation.js';
import { Query } from './query.js';
import { typeResolvers } from './types.js';

type AnyResolver = (parent: unknown, args: unknown, ctx: Ctx, info: unknown) => unknown;
const maps = { Query, Mutation, ...typeResolvers } as unknown as Record<
  string,
  Record<string, AnyResolver | undefined>
>;

export function emulatorSchema(): GraphQLSchema {
  return buildSchema(emulatorSdl);
}

export const fieldResolver: GraphQLFieldResolver<unknown, Ctx> = (source, args, ctx, info) => {
  const own = maps[info.parentType.name]?.[info.fieldName];
  if (!own) return defaultFieldResolver(source, args, ctx, info);
  const cap = ctx.world.options.maxPageSize;
  const paged =
    cap !== undefined && info.parentType.getFields()[info.fieldName]?.args.some((a) => a.name === 'first');
  return own(source, paged ? capPage(args as PageArgs, cap) : args, ctx, info);
};

/** A connection page never holds more than `cap` edges, counted from whichever end was asked. */
function capPage(args: PageArgs, cap: number): PageArgs {
  if (typeof args.last === 'number' && typeof args.first !== 'number')
    return { ...args, last: Math.min(args.last, cap) };
  return { ...args, first: Math.min(args.first ?? cap, cap) };
}
