export * from './failpoints';
export * from './run-history.activities';
export * from './tool.activities';
export * from './tools';
