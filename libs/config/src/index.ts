export * from './app-config';
export type { ProcessRole } from './environment';
