export * from './scrape-auth';
export * from './worker-metrics';
