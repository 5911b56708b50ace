export * from './data-source';
export * from './entities';
export * from './repositories/agents.repository';
export * from './repositories/auth-tokens.repository';
export * from './repositories/page';
export * from './repositories/run-history.repository';
export * from './repositories/runs.repository';
export * from './repositories/users.repository';
