// A project with only its production environment and nothing in it.
import type { Scenario } from './types.js';

export const emptyScenario: Scenario = {
  name: 'empty',
  projectName: 'empty-project',
  services: [],
  sharedVariables: {},
  async seedDatabase(): Promise<void> {
    // No services, so nothing to seed.
  },
};
