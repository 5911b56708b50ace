export * from './agent-definition';
export * from './agent-graph';
export * from './json';
export * from './llm-prompt';
export * from './run-status';
export * from './templates';
export * from './tools';
export * from './workflows';
