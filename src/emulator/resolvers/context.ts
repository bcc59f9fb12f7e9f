import type { Access } from '../auth.js';
import type { World } from '../world.js';

export interface Ctx {
  world: World;
  access: Access;
}

export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}
