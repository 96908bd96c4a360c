export { openRepository } from './open.ts';
export type * from './repository.ts';
