import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { configSchema, loadConfig } from '../../src/config';
import { caseSearchAttributes } from '../../src/domain/search-attributes';

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: string[];
}

const compose = parse(fs.readFileSync(path.join(__dirname, '..', '..', 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, ComposeService>;
};

/** The environment of a service as a map, whichever of compose's two forms it uses. */
function environment(service: string): Record<string, string> {
  const env = compose.services[service]?.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => {
        const eq = entry.indexOf('=');
        return eq < 0 ? [entry, ''] : [entry.slice(0, eq), entry.slice(eq + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

const CLI_TYPES = { TEXT: 'Text', KEYWORD: 'Keyword', INT: 'Int', DOUBLE: 'Double', BOOL: 'Bool', DATETIME: 'Datetime', KEYWORD_LIST: 'KeywordList' };

describe('docker-compose.yml', () => {
  it('has the production stack services', () => {
    for (const name of ['postgresql', 'temporal', 'temporal-admin-tools', 'temporal-ui', 'worker', 'api']) {
      expect(compose.services).toHaveProperty([name]);
    }
    expect(compose.services.postgresql.image).toMatch(/^postgres:16/);
    expect(compose.services['temporal-ui'].image).toMatch(/^temporalio\/ui:/);
    expect(environment('temporal-ui').TEMPORAL_ADDRESS).toBe('temporal:7233');
  });

  it('builds the worker and the API from the Dockerfile with their entry points', () => {
    expect(compose.services.worker.build).toBeDefined();
    expect(compose.services.api.build).toBeDefined();
    expect([compose.services.worker.command].flat().join(' ')).toContain('dist/worker/main.js');
    expect([compose.services.api.command].flat().join(' ')).toContain('dist/src/api/main.js');
    expect(compose.services.api.ports?.some((p) => String(p).endsWith(':3000'))).toBe(true);
  });

  it.each(['worker', 'api'])('gives %s only variables that src/config.ts reads', (service) => {
    const known = Object.keys(configSchema.shape);
    const env = environment(service);
    expect(Object.keys(env).filter((key) => !known.includes(key))).toEqual([]);
    expect(env.TEMPORAL_ADDRESS).toBeTruthy();
    expect(env.DATABASE_URL).toBeTruthy();
  });

  it("gives the worker every setting of the notice relay, read by the worker's own config", () => {
    const relayKeys = Object.keys(configSchema.shape).filter((key) => /^NOTICE_/.test(key));
    expect(relayKeys).toHaveLength(7);
    expect(relayKeys.filter((key) => !(key in environment('worker')))).toEqual([]);
    const withComposeDefaults = Object.fromEntries(
      Object.entries(environment('worker'))
        // `${X:-default}` as its default; a required `${X:?message}` left unset.
        .map(([key, value]) => [key, value.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1').replace(/\$\{[A-Z_]+:\?[^}]*\}/g, '')]),
    );
    expect(loadConfig(withComposeDefaults)).toMatchObject({
      NOTICE_WEBHOOK_URL: undefined,
      NOTICE_WEBHOOK_SECRET: undefined,
      NOTICE_RELAY_MAX_ATTEMPTS: 10,
    });
  });

  it('registers exactly the search attributes of src/domain/search-attributes.ts', () => {
    const pairs = environment('temporal-admin-tools').SEARCH_ATTRIBUTES.trim().split(/\s+/);
    const registered = Object.fromEntries(pairs.map((pair) => pair.split('=')));
    const expected = Object.fromEntries(caseSearchAttributes.map((key) => [key.name, CLI_TYPES[key.type]]));
    expect(registered).toEqual(expected);
    // and the one-shot service does create each of them
    expect([compose.services['temporal-admin-tools'].command].flat().join('\n')).toContain('search-attribute create');
  });
});
