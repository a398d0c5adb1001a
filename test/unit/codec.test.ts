import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Payload, defaultPayloadConverter, METADATA_ENCODING_KEY } from '@temporalio/common';
import { unsealedReason } from '../../src/case/contract';
import { loadConfig } from '../../src/config';
import { developmentPayloadKeys } from '../../src/dev/payload-keys';
import { maskAddress, maskIdNumber, maskName } from '../../src/domain/personal';
import { EncryptionCodec, keyIdMetadataKey, parsePayloadKeys, payloadCodecOf } from '../../src/temporal/codec';

const keyA = Buffer.alloc(32, 1).toString('base64');
const keyB = Buffer.alloc(32, 2).toString('base64');
const subject = { name: '张三', idNumber: '110101199001011234', address: '北京市东城区某街1号' };
const plain = () => defaultPayloadConverter.toPayload(subject);
const unsealedAs = (reason: string) => ({ unsealedPayload: reason });
const values = (payloads: Payload[]) => payloads.map((p) => defaultPayloadConverter.fromPayload(p));

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
  expect(values(await new EncryptionCodec(parsePayloadKeys(`b:${keyB}`)).decode([old]))).toEqual([unsealedAs('unknown-key')]);
});

test('an altered sealed payload (GCM authentication) or a truncated one opens as unsealed, never into something else and never as an exception', async () => {
  const codec = new EncryptionCodec(parsePayloadKeys(`a:${keyA}`));
  const [sealed] = await codec.encode([plain()]);
  const data = Buffer.from(sealed.data!);
  data[20] ^= 0xff;
  const opened = await codec.decode([
    { ...sealed, data },
    { ...sealed, data: data.subarray(0, 10) },
  ]);
  expect(values(opened)).toEqual([unsealedAs('altered'), unsealedAs('altered')]);
});

test('a payload in the clear (sent around the API, with no key) opens as unsealed: the case refuses it', async () => {
  const codec = new EncryptionCodec(parsePayloadKeys(`a:${keyA}`));
  const [opened] = await codec.decode([plain()]);
  expect(unsealedReason(defaultPayloadConverter.fromPayload(opened))).toBe('plaintext');
  expect(unsealedReason(subject)).toBeUndefined();
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

describe('configuration', () => {
  const key = Buffer.alloc(32, 3).toString('base64');

  test('PAYLOAD_ENCRYPTION_KEYS that is malformed refuses to start, naming the fault and never the key', () => {
    expect(() => loadConfig({ PAYLOAD_ENCRYPTION_KEYS: 'no-colon' })).toThrow(/PAYLOAD_ENCRYPTION_KEYS: each payload key is id:base64/);
    const short = Buffer.alloc(16, 3).toString('base64');
    expect(() => loadConfig({ PAYLOAD_ENCRYPTION_KEYS: `k1:${short}` })).toThrow('PAYLOAD_ENCRYPTION_KEYS: payload key k1 is 16 bytes, not 32');
    try {
      loadConfig({ PAYLOAD_ENCRYPTION_KEYS: `k1:${short}` });
    } catch (err) {
      expect(String(err)).not.toContain(short);
    }
    expect(() => loadConfig({ PAYLOAD_ENCRYPTION_KEYS: `k1:${key},k1:${key}` })).toThrow('payload key ids repeat');
    expect(loadConfig({ PAYLOAD_ENCRYPTION_KEYS: `k2:${key}, k1:${key}` }).PAYLOAD_ENCRYPTION_KEYS).toBe(`k2:${key}, k1:${key}`);
  });

  test('production refuses to run without keys; elsewhere it warns and runs without encryption', () => {
    expect(() => payloadCodecOf(loadConfig({ NODE_ENV: 'production' }))).toThrow('PAYLOAD_ENCRYPTION_KEYS is unset');
    expect(() => payloadCodecOf(loadConfig({ NODE_ENV: 'production', PAYLOAD_ENCRYPTION_KEYS: '' }))).toThrow('PAYLOAD_ENCRYPTION_KEYS is unset');
    const warnings: string[] = [];
    expect(payloadCodecOf(loadConfig({}), (w) => warnings.push(w))).toBeUndefined();
    expect(warnings).toEqual([expect.stringContaining('unencrypted')]);
    expect(payloadCodecOf(loadConfig({ NODE_ENV: 'production', PAYLOAD_ENCRYPTION_KEYS: `k1:${key}` }))).toBeInstanceOf(EncryptionCodec);
  });

  test('CODEC_CORS_ORIGIN is one origin, the dev UI by default', () => {
    expect(loadConfig({}).CODEC_CORS_ORIGIN).toBe('http://127.0.0.1:8233');
    expect(loadConfig({ CODEC_CORS_ORIGIN: 'https://temporal-ui.example.org' }).CODEC_CORS_ORIGIN).toBe('https://temporal-ui.example.org');
    for (const bad of ['*', 'https://temporal-ui.example.org/', 'temporal-ui.example.org', 'https://a.example, https://b.example']) {
      expect(() => loadConfig({ CODEC_CORS_ORIGIN: bad })).toThrow(/CODEC_CORS_ORIGIN/);
    }
  });
});

test('masking keeps what identifies a record to its holder and hides the rest', () => {
  expect(maskIdNumber('510402199203154321')).toBe('510402********4321');
  expect(maskIdNumber('ABC1234567')).toBe('**********');
  expect(maskName('张三')).toBe('张*');
  expect(maskName('欧阳娜娜')).toBe('欧*');
  expect(maskAddress('四川省攀枝花市东区某街1号')).toBe('四川省攀枝花****');
  expect(maskAddress('某街1号')).toBe('某街1****');
});

test('npm start generates a development key once, owner-only, and keeps using it; a configured one wins', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beatflow-keys-'));
  try {
    const lines: string[] = [];
    const first = developmentPayloadKeys(path.join(dir, 'data'), undefined, (l) => lines.push(l));
    expect(parsePayloadKeys(first)).toHaveLength(1);
    expect(fs.statSync(path.join(dir, 'data', 'payload-keys')).mode & 0o777).toBe(0o600);
    expect(developmentPayloadKeys(path.join(dir, 'data'), undefined, (l) => lines.push(l))).toBe(first);
    expect(lines).toHaveLength(1);
    const configured = `k9:${Buffer.alloc(32, 5).toString('base64')}`;
    expect(developmentPayloadKeys(path.join(dir, 'data'), configured, () => undefined)).toBe(configured);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
