/**
 * The payload codec of the tests: every client and worker they create seals payloads as production does, so a test
 * that passes here passes with encryption on. One key per test process (BEATFLOW_TEST_PAYLOAD_KEYS overrides it);
 * the processes of an end-to-end suite get it through PAYLOAD_ENCRYPTION_KEYS.
 */
import { EncryptionCodec, dataConverterOf, generatePayloadKey, parsePayloadKeys } from '../../src/temporal/codec';

export const testPayloadKeys = process.env.BEATFLOW_TEST_PAYLOAD_KEYS ?? generatePayloadKey('test-1');
export const testPayloadCodec = new EncryptionCodec(parsePayloadKeys(testPayloadKeys));
export const testDataConverter = dataConverterOf(testPayloadCodec)!;
