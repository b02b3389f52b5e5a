/** The crash and graceful-stop suite (crash-suite.ts) on PostgreSQL. */
import { crashSuite } from './crash-suite.ts';

crashSuite('postgresql');
