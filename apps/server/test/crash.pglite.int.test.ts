/** The crash and graceful-stop suite (crash-suite.ts) on the embedded database. */
import { crashSuite } from './crash-suite.ts';

crashSuite('pglite');
