export * from './clone-request.js';
export * from './names.js';
export * from './duration.js';
export * from './resources.js';
export * from './mask.js';
export * from './encrypted-value.js';
export { parseInput } from './parse.js';
