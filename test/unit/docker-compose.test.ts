import { TEMPORAL_UI_SERVER_VERSION } from '../../src/dev/provision';
import { uiServerConfig } from '../../src/dev/temporal-ui-server';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { configSchema, loadConfig } from '../../src/config';
import { migrationsDir } from '../../src/db/migrate';
import { caseSearchAttributes } from '../../src/domain/search-attributes';

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
}

const composeText = fs.readFileSync(path.join(__dirname, '..', '..', 'docker-compose.yml'), 'utf8');
const compose = parse(composeText) as { services: Record<string, ComposeService> };

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

/** The value compose would pass, with `value` for every variable the operator must set (`${VAR:?…}`) and the defaults. */
function interpolated(env: Record<string, string>, value = 'set-by-operator'): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).map(([key, v]) => [
      key,
      // A variable that is a URL as a whole (AUTH_JWKS_URL) is set by the operator to a URL.
      v
        .replace(/\$\{[A-Z_]+:\?[^}]*\}/g, /_URL$/.test(key) && /^\$\{[^}]*\}$/.test(v) ? `https://${value}.example/` : value)
        .replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1'),
    ]),
  );
}

/** Every `${NAME…}` compose interpolates, with its form: required (`:?`), defaulted (`:-` and the default) or bare. */
const interpolations = [...composeText.matchAll(/\$\{([A-Z0-9_]+)(?:(:\?)[^}]*|:-([^}]*))?\}/g)].map(([, name, required, fallback]) => ({
  name,
  required: Boolean(required),
  fallback,
}));

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

  it('has no default password: every secret is a variable the operator must set, or empty (a feature left off)', () => {
    const secrets = interpolations.filter((i) => /PASSWORD|SECRET|TOKEN|KEY/.test(i.name));
    expect(secrets.filter((i) => !i.required && i.fallback !== '')).toEqual([]);
    for (const name of ['POSTGRES_PASSWORD', 'BEATFLOW_DB_OWNER_PASSWORD', 'BEATFLOW_DB_APP_PASSWORD']) {
      const uses = interpolations.filter((i) => i.name === name);
      expect(uses.length).toBeGreaterThan(0);
      expect(uses.every((i) => i.required)).toBe(true);
    }
    // no password written out anywhere: a connection URL's password is always a variable
    const urls = [...composeText.matchAll(/postgres(?:ql)?:\/\/([^:@/\s]+):(\$\{[^}]*\}|[^@\s]+)@/g)];
    expect(urls.length).toBeGreaterThan(0);
    expect(urls.filter(([, , password]) => !/^\$\{[A-Z_]+:\?[^}]*\}$/.test(password))).toEqual([]);
  });

  it.each(['worker', 'api'])(
    'connects %s as the least-privilege role beatflow, holds no owner URL and leaves the migrations to the one-shot job',
    (service) => {
      // A required variable stands for what the operator sets: the payload keys in their own form.
      const env = { ...interpolated(environment(service)), PAYLOAD_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}` };
      const config = loadConfig(env);
      const app = new URL(config.DATABASE_URL!);
      expect(app.username).toBe('beatflow');
      expect(config.DATABASE_MIGRATION_URL).toBeUndefined();
      expect(config.MIGRATE_ON_START).toBe(false);
      expect(JSON.stringify(environment(service))).not.toContain('beatflow_owner');
      // not the server's superuser, which Temporal uses
      expect(app.username).not.toBe(environment('postgresql').POSTGRES_USER);
      expect(compose.services[service].depends_on?.['beatflow-migrate']).toEqual({ condition: 'service_completed_successfully' });
    },
  );

  it('migrates in a one-shot job as the owner of the same database, after the roles exist', () => {
    const config = loadConfig(interpolated(environment('beatflow-migrate')));
    const migrations = new URL(config.DATABASE_MIGRATION_URL!);
    expect(migrations.username).toBe('beatflow_owner');
    expect(migrations.pathname).toBe(
      new URL(
        loadConfig({ ...interpolated(environment('api')), PAYLOAD_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}` }).DATABASE_URL!,
      ).pathname,
    );
    expect(migrations.username).not.toBe(environment('postgresql').POSTGRES_USER);
    expect(compose.services['beatflow-migrate'].command).toEqual(['node', 'dist/src/db/migrate-main.js']);
    expect(compose.services['beatflow-migrate'].depends_on?.['beatflow-db-roles']).toEqual({ condition: 'service_completed_successfully' });
  });

  it("publishes no port of Temporal's frontend to the host", () => {
    expect(compose.services.temporal.ports ?? []).toEqual([]);
  });

  it('creates beatflow as a login member of the group beatflow_app, the role the migrations grant to', () => {
    const script = [compose.services['beatflow-db-roles'].command].flat().join('\n');
    expect(script).toMatch(/ALTER ROLE beatflow_app WITH NOLOGIN\b/);
    expect(script).toMatch(/ALTER ROLE beatflow WITH LOGIN NOSUPERUSER\b/);
    expect(script).toMatch(/ALTER ROLE beatflow_owner WITH LOGIN NOSUPERUSER\b/);
    expect(script).toContain('GRANT beatflow_app TO beatflow;');
    expect(script).toContain('ALTER DATABASE beatflow OWNER TO beatflow_owner;');
    // the passwords reach psql as variables, never in the script's text
    expect(script).toContain(`PASSWORD :'owner_password'`);
    expect(script).toContain(`PASSWORD :'app_password'`);
    const migrations = fs
      .readdirSync(migrationsDir)
      .map((file) => fs.readFileSync(path.join(migrationsDir, file), 'utf8'))
      .join('\n');
    expect(migrations).toMatch(/GRANT SELECT, INSERT ON audit_log TO beatflow_app;/);
    expect(migrations).not.toMatch(/GRANT[^;]*(UPDATE|DELETE|TRUNCATE|ALL)[^;]*ON[^;]*audit_log[^;]*TO beatflow_app/);
  });

  it('runs the Temporal UI read-only, decoding payloads through the API codec endpoint', () => {
    const ui = interpolated(environment('temporal-ui'));
    expect(ui.TEMPORAL_DISABLE_WRITE_ACTIONS).toBe('true');
    const codec = new URL(ui.TEMPORAL_CODEC_ENDPOINT);
    expect(codec.pathname).toBe('/codec');
    // the API's port as published to the browser
    expect(compose.services.api.ports).toContain(`127.0.0.1:${codec.port}:3000`);
  });

  it("configures the UI as npm start configures its UI server: the same version, read-only, the codec with the browser's credentials", () => {
    const ui = interpolated(environment('temporal-ui'));
    const dev = uiServerConfig({ temporalAddress: '127.0.0.1:7233', port: 8233, codecEndpoint: 'http://127.0.0.1:3000/codec' });
    expect(compose.services['temporal-ui'].image).toBe(`temporalio/ui:${TEMPORAL_UI_SERVER_VERSION.slice(1)}`);
    expect(ui.TEMPORAL_DISABLE_WRITE_ACTIONS).toBe(String(dev.disableWriteActions));
    expect(ui.TEMPORAL_CODEC_INCLUDE_CREDENTIALS).toBe(String((dev.codec as { includeCredentials: boolean }).includeCredentials));
    expect(dev).toMatchObject({ disableWriteActions: true, codec: { includeCredentials: true, passAccessToken: false } });
  });
});
