/** Global setup of the `e2e` project: a real Temporal server and PostgreSQL shared by the run, and the workflow bundle. */
import { prepare } from './global-setup';

export default () => prepare({ postgres: true, temporal: true, bundle: true });
