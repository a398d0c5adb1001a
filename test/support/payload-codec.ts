/**
 * The payload codec of the tests: every client and worker they create seals payloads as production does, so a test
 * that passes here passes with encryption on. One sealing key per test process (BEATFLOW_TEST_PAYLOAD_KEYS overrides it);
 * the processes of an end-to-end suite get it through PAYLOAD_ENCRYPTION_KEYS.
 */
import { EncryptionCodec, dataConverterOf, generatePayloadKey, parsePayloadKeys } from '../../src/temporal/codec';

/**
 * The key that seals the histories `npm run record-histories` commits to test/histories/, so that every later run can
 * open them to replay. A test key for test data (the subjects in the tests are invented), committed on purpose.
 */
const historiesKey = 'histories-1:uAHO6UvCdeVzF+Kwqu4fIjhz3SvUUlaam3lcdS0bDNM=';

// The first key seals; every key opens what its id names.
export const testPayloadKeys =
  process.env.BEATFLOW_TEST_PAYLOAD_KEYS ?? (process.env.RECORD_HISTORIES === '1' ? historiesKey : `${generatePayloadKey('test-1')},${historiesKey}`);
export const testPayloadCodec = new EncryptionCodec(parsePayloadKeys(testPayloadKeys));
export const testDataConverter = dataConverterOf(testPayloadCodec)!;
