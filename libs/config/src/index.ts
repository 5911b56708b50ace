export * from './app-config';
export type { ProcessRole } from './environment';
export type { ModelProviderConfig } from './model-providers';
