// The emulator's seed scenarios, by name.
import type { Scenario } from './types.js';
import { wordpressScenario } from './wordpress.js';
import { postgresAppScenario } from './postgres-app.js';
import { emptyScenario } from './empty.js';
import { privateVariant } from './private.js';

export type { Scenario, ScenarioService, SeedContext } from './types.js';
export { seedWordPress } from './wordpress-seed.js';
export { seedShop } from './postgres-app-seed.js';

export const scenarios: Record<string, Scenario> = {
  wordpress: wordpressScenario,
  'postgres-app': postgresAppScenario,
  'wordpress-private': privateVariant(wordpressScenario),
  'postgres-app-private': privateVariant(postgresAppScenario),
  empty: emptyScenario,
};
