import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header that carries a delivery's signature: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const signatureHeader = 'x-beatflow-signature';

/** How far a signed timestamp may lie from the receiver's clock before it refuses the request as a replay. */
export const defaultToleranceSeconds = 300;

/** HMAC-SHA256 with `secret` over `<t>.<body bytes>`, hex. */
function mac(secret: string, timestamp: number, body: Uint8Array): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

/** The signature header's value for `body` sent at `at`; the timestamp is signed too, so a captured request expires. */
export function signBody(secret: string, body: Uint8Array, at: Date): string {
  const timestamp = Math.floor(at.getTime() / 1000);
  return `t=${timestamp},v1=${mac(secret, timestamp, body)}`;
}

/**
 * What the station system does with a delivery: true when a `v1` in `header` is the HMAC of the exact body bytes
 * with `secret` and its timestamp is within `toleranceSeconds` of `now`.
 */
export function verifySignature(
  secret: string,
  header: string | undefined,
  body: Uint8Array,
  { now = new Date(), toleranceSeconds = defaultToleranceSeconds }: { now?: Date; toleranceSeconds?: number } = {},
): boolean {
  if (!header) return false;
  const parts = header.split(',').map((part) => part.trim().split('='));
  const timestamps = parts.filter(([name]) => name === 't').map(([, value]) => Number(value));
  if (timestamps.length !== 1 || !Number.isInteger(timestamps[0])) return false;
  const timestamp = timestamps[0];
  if (Math.abs(now.getTime() / 1000 - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(mac(secret, timestamp, body), 'hex');
  return parts
    .filter(([name, value]) => name === 'v1' && /^[0-9a-f]{64}$/.test(value ?? ''))
    .some(([, value]) => timingSafeEqual(Buffer.from(value, 'hex'), expected));
}
