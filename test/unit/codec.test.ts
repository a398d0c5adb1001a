import { defaultPayloadConverter, METADATA_ENCODING_KEY } from '@temporalio/common';
import { EncryptionCodec, keyIdMetadataKey, parsePayloadKeys } from '../../src/temporal/codec';

const keyA = Buffer.alloc(32, 1).toString('base64');
const keyB = Buffer.alloc(32, 2).toString('base64');
const subject = { name: '张三', idNumber: '110101199001011234', address: '北京市东城区某街1号' };
const plain = () => defaultPayloadConverter.toPayload(subject);

test('a sealed payload carries neither the name nor the ID number, names its key, and opens to the same value', async () => {
  const codec = new EncryptionCodec(parsePayloadKeys(`a:${keyA}`));
  const [sealed] = await codec.encode([plain()]);
  const bytes = Buffer.from(sealed.data!);
  expect(bytes.includes(Buffer.from('张三'))).toBe(false);
  expect(bytes.includes(Buffer.from('110101199001011234'))).toBe(false);
  expect(Buffer.from(sealed.metadata![METADATA_ENCODING_KEY]).toString()).toBe('binary/encrypted');
  expect(Buffer.from(sealed.metadata![keyIdMetadataKey]).toString()).toBe('a');
  const [opened] = await codec.decode([sealed]);
  expect(defaultPayloadConverter.fromPayload(opened)).toEqual(subject);
});

test('two seals of the same value differ (a fresh IV each time)', async () => {
  const codec = new EncryptionCodec(parsePayloadKeys(`a:${keyA}`));
  const [one, two] = await codec.encode([plain(), plain()]);
  expect(Buffer.from(one.data!).equals(Buffer.from(two.data!))).toBe(false);
});

test('rotation: the first key seals new payloads, an older key still opens what it sealed; a removed key does not', async () => {
  const [old] = await new EncryptionCodec(parsePayloadKeys(`a:${keyA}`)).encode([plain()]);
  const rotated = new EncryptionCodec(parsePayloadKeys(`b:${keyB},a:${keyA}`));
  const [fresh] = await rotated.encode([plain()]);
  expect(Buffer.from(fresh.metadata![keyIdMetadataKey]).toString()).toBe('b');
  expect((await rotated.decode([old, fresh])).map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([subject, subject]);
  await expect(new EncryptionCodec(parsePayloadKeys(`b:${keyB}`)).decode([old])).rejects.toThrow('key a, which is not configured');
});

test('an altered sealed payload is refused (GCM authentication), not decoded into something else', async () => {
  const codec = new EncryptionCodec(parsePayloadKeys(`a:${keyA}`));
  const [sealed] = await codec.encode([plain()]);
  const data = Buffer.from(sealed.data!);
  data[20] ^= 0xff;
  await expect(codec.decode([{ ...sealed, data }])).rejects.toThrow();
});

test('payloads written before encryption was configured pass through decode unchanged', async () => {
  const codec = new EncryptionCodec(parsePayloadKeys(`a:${keyA}`));
  const before = plain();
  expect(await codec.decode([before])).toEqual([before]);
});

test.each([
  ['', 'no payload key configured'],
  [' , ', 'no payload key configured'],
  [keyA, 'id:base64'],
  [`a:${Buffer.alloc(16).toString('base64')}`, 'payload key a is 16 bytes, not 32'],
  [`a:${keyA},a:${keyB}`, 'payload key ids repeat'],
  [`a b:${keyA}`, 'id:base64'],
])('the key setting %j is refused: %s', (spec, message) => {
  expect(() => parsePayloadKeys(spec)).toThrow(message);
});
