export { createDataConverter } from './data-converter';
