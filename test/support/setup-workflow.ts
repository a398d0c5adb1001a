/** Global setup of the `workflow` project: the time-skipping test server provisioned, the workflow bundle, PostgreSQL. */
import { prepare } from './global-setup';

export default () => prepare({ postgres: true, testServer: true, bundle: true });
