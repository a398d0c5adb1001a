/**
 * Personal data never reaches Temporal in the clear: every payload (case inputs, action arguments, views, activity
 * arguments) is sealed with AES-256-GCM before it leaves the client or the worker, under the key named in its
 * metadata, so keys can rotate: new payloads use the first key, old ones open with whichever key sealed them.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { type DataConverter, type Payload, type PayloadCodec, METADATA_ENCODING_KEY } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { type UnsealedReason, unsealedPayloadKey } from '../case/contract';

export const encryptedEncoding = 'binary/encrypted';
export const keyIdMetadataKey = 'encryption-key-id';

const ivBytes = 12;
const tagBytes = 16;

export interface PayloadKey {
  id: string;
  key: Buffer;
}

/**
 * Keys as configured: `id:base64key` pairs separated by commas, the first sealing new payloads. Each key is 32 bytes
 * (e.g. `openssl rand -base64 32`); ids are short names without `:` or `,`.
 */
export function parsePayloadKeys(spec: string): PayloadKey[] {
  const keys = spec
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const colon = part.indexOf(':');
      const id = colon > 0 ? part.slice(0, colon) : '';
      if (!/^[A-Za-z0-9._-]{1,32}$/.test(id)) throw new Error('each payload key is id:base64 with an id of letters, digits, . _ -');
      const key = Buffer.from(part.slice(colon + 1), 'base64');
      if (key.length !== 32) throw new Error(`payload key ${id} is ${key.length} bytes, not 32`);
      return { id, key };
    });
  if (!keys.length) throw new Error('no payload key configured');
  if (new Set(keys.map((k) => k.id)).size !== keys.length) throw new Error('payload key ids repeat');
  return keys;
}

export class EncryptionCodec implements PayloadCodec {
  private readonly byId: Map<string, Buffer>;
  private readonly sealing: PayloadKey;

  constructor(keys: PayloadKey[]) {
    if (!keys.length) throw new Error('no payload key configured');
    this.sealing = keys[0];
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const iv = randomBytes(ivBytes);
      const cipher = createCipheriv('aes-256-gcm', this.sealing.key, iv);
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { [METADATA_ENCODING_KEY]: Buffer.from(encryptedEncoding), [keyIdMetadataKey]: Buffer.from(this.sealing.id) },
        data: sealed,
      };
    });
  }

  /** `keyId:base64(iv | ciphertext | tag)` of `plain`, under the sealing key. */
  seal(plain: Uint8Array): string {
    const iv = randomBytes(ivBytes);
    const cipher = createCipheriv('aes-256-gcm', this.sealing.key, iv);
    return `${this.sealing.id}:${Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]).toString('base64')}`;
  }

  open(sealed: string): Buffer {
    const colon = sealed.indexOf(':');
    const id = sealed.slice(0, Math.max(colon, 0));
    const key = this.byId.get(id);
    if (!key) throw new Error(`value sealed with key ${id || '(none)'}, which is not configured`);
    return this.decipher(key, Buffer.from(sealed.slice(colon + 1), 'base64'));
  }

  private decipher(key: Buffer, data: Buffer): Buffer {
    if (data.length < ivBytes + tagBytes) throw new Error('sealed payload is truncated');
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, ivBytes));
    decipher.setAuthTag(data.subarray(data.length - tagBytes));
    return Buffer.concat([decipher.update(data.subarray(ivBytes, data.length - tagBytes)), decipher.final()]);
  }

  /**
   * Opens each payload. A payload no key holder sealed (in the clear, altered, under a key not configured here) opens
   * to `{ unsealedPayload: reason }`, never an exception: a worker whose codec threw would fail the workflow task of
   * the case it was sent to, again and again (contract.ts, `unsealedReason`).
   */
  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (text(payload.metadata?.[METADATA_ENCODING_KEY]) !== encryptedEncoding) return unsealed('plaintext');
      const id = text(payload.metadata?.[keyIdMetadataKey]);
      const key = id === undefined ? undefined : this.byId.get(id);
      if (!key) return unsealed('unknown-key');
      try {
        return temporal.api.common.v1.Payload.decode(this.decipher(key, Buffer.from(payload.data ?? new Uint8Array())));
      } catch {
        return unsealed('altered');
      }
    });
  }
}

function unsealed(reason: UnsealedReason): Payload {
  return { metadata: { [METADATA_ENCODING_KEY]: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify({ [unsealedPayloadKey]: reason })) };
}

/**
 * Seals a JSON value outside Temporal (the read model's personal data) as `keyId:base64(iv | ciphertext | tag)`, with
 * the codec's sealing key; `openValue` opens it with whichever configured key sealed it.
 */
export function sealValue(codec: EncryptionCodec, value: unknown): string {
  return codec.seal(Buffer.from(JSON.stringify(value), 'utf8'));
}

export function openValue<T>(codec: EncryptionCodec, sealed: string): T {
  return JSON.parse(codec.open(sealed).toString('utf8')) as T;
}

function text(bytes: Uint8Array | null | undefined): string | undefined {
  return bytes ? Buffer.from(bytes).toString() : undefined;
}

/** What the codec's configuration is read from (src/config.ts). */
export interface PayloadCodecSettings {
  NODE_ENV: 'development' | 'production' | 'test';
  PAYLOAD_ENCRYPTION_KEYS?: string;
}

/**
 * The codec that every Temporal client and worker of the process uses, from PAYLOAD_ENCRYPTION_KEYS. Production refuses
 * to run without keys; elsewhere an unset variable runs without encryption, with a warning (`npm start` sets one).
 */
export function payloadCodecOf(settings: PayloadCodecSettings, warn: (message: string) => void = () => undefined): EncryptionCodec | undefined {
  if (settings.PAYLOAD_ENCRYPTION_KEYS) return new EncryptionCodec(parsePayloadKeys(settings.PAYLOAD_ENCRYPTION_KEYS));
  if (settings.NODE_ENV === 'production') {
    throw new Error('PAYLOAD_ENCRYPTION_KEYS is unset: production never writes personal data to Temporal unencrypted');
  }
  warn('PAYLOAD_ENCRYPTION_KEYS is unset: payloads reach Temporal unencrypted (allowed outside production only)');
  return undefined;
}

/** The data converter of a client or worker: the default payload converter, then the codec when there is one. */
export function dataConverterOf(codec: PayloadCodec | undefined): DataConverter | undefined {
  return codec ? { payloadCodecs: [codec] } : undefined;
}

/** A fresh 32-byte key under `id`, as PAYLOAD_ENCRYPTION_KEYS lists it. */
export function generatePayloadKey(id: string): string {
  return `${id}:${randomBytes(32).toString('base64')}`;
}
