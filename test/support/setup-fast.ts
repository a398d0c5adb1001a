/** Global setup of the `fast` project (simulator, unit, API on fakes): PostgreSQL for the repositories' tests. */
import { prepare } from './global-setup';

export default () => prepare({ postgres: true });
