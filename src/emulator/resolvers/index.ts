import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import { emulatorSdl } from '../schema-sdl.js';
import { Mutation } from './mutation.js';
import { Query } from './query.js';
import { typeResolvers } from './types.js';

export function emulatorSchema(): GraphQLSchema {
  return makeExecutableSchema({ typeDefs: emulatorSdl, resolvers: { Query, Mutation, ...typeResolvers } as never });
}
