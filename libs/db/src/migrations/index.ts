import { InitialSchema1763740000000 } from './1763740000000-initial-schema';

export const MIGRATIONS = [InitialSchema1763740000000];
