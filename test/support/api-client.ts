import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './api-schema';

/**
 * A client of the API typed from the committed OpenAPI document (openapi/beatflow-v1.json, generated into
 * api-schema.d.ts by `npm run generate:client` before the typecheck): a test that calls the API through it stops
 * compiling when the contract changes under it.
 */
export type ApiClient = Client<paths>;

export function apiClient(baseUrl: string, token: string): ApiClient {
  return createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${token}` } });
}
