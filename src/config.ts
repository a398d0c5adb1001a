import { z } from 'zod';
import { parsePayloadKeys } from './temporal/codec';

/** docker-compose passes an unset variable as an empty string: read it as unset. */
const unsetWhenEmpty = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === '' ? undefined : value), schema);

/** Every environment variable beatflow reads, parsed once. docker-compose.yml is checked against it. */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * The HS256 key that verifies (and, in development, signs) the API's bearer tokens. The API needs it or
   * AUTH_JWKS_URL; `npm start` without either generates one under BEATFLOW_DATA_DIR.
   */
  AUTH_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** The identity provider's JSON Web Key Set (RS256 / ES256 tokens): how production verifies tokens. */
  AUTH_JWKS_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  /** The `iss` every token must carry. */
  AUTH_ISSUER: z.string().min(1, 'must not be empty').default('beatflow'),
  /** The `aud` every token must carry. */
  AUTH_AUDIENCE: z.string().min(1, 'must not be empty').default('beatflow-api'),
  /** Requests a caller (a token's `sub`, or an address without a token) may make per window before it is answered 429. */
  RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(600),
  RATE_LIMIT_WINDOW_MS: z.coerce.number().int().min(100).default(60_000),
  /** The longest the API takes to answer a request (an action waits for its case) before it answers 503 and drops it. */
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1_000).default(120_000),
  /** host:port of the Temporal frontend. Unset under `npm start`: an embedded dev server is started. */
  TEMPORAL_ADDRESS: z.string().optional(),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('beatflow'),
  TEMPORAL_UI_PORT: z.coerce.number().int().default(8233),
  /** Unset under `npm start`: an embedded PostgreSQL (PGlite) under BEATFLOW_DATA_DIR. */
  DATABASE_URL: z.string().optional(),
  /**
   * The owner's connection, for the migrations only; unset: DATABASE_URL migrates. Set it when DATABASE_URL names the
   * least-privilege application role (a member of beatflow_app, which may only INSERT and SELECT the audit log).
   */
  DATABASE_MIGRATION_URL: unsetWhenEmpty(z.string().optional()),
  /**
   * Whether the worker and the API migrate the schema when they start. Production's compose turns it off: a one-shot
   * job (`npm run migrate`) migrates with the owner's connection, which then no long-running process holds.
   */
  MIGRATE_ON_START: z.stringbool().default(true),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).default(10),
  /** How long a request waits for a database connection before it is answered 503 (the worker's activity fails and retries). */
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).default(3_000),
  /** The longest a statement may run; the server cancels it, and the client gives up a second later if the server is gone. */
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
  BEATFLOW_DATA_DIR: z.string().default('.data'),
  /**
   * Keys of the payload codec that seals personal data in Temporal: `id:base64key,...` (32-byte keys). The first seals
   * new payloads, every one listed opens what it sealed: to rotate, put the new key first and keep the old ones until
   * no open history needs them. Required in production; `npm start` generates a development key.
   */
  PAYLOAD_ENCRYPTION_KEYS: unsetWhenEmpty(
    z
      .string()
      .optional()
      .superRefine((spec, ctx) => {
        if (spec === undefined) return;
        try {
          parsePayloadKeys(spec);
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: (err as Error).message });
        }
      }),
  ),
  /**
   * The development sign-in page for the Temporal UI (GET /sign-in: development identities, tokens minted with
   * AUTH_JWT_SECRET). `npm start` turns it on; never in production, where people sign in at the identity provider.
   */
  AUTH_DEV_SIGN_IN: z.stringbool().default(false),
  /** The one origin (the Temporal UI) whose browser may call the codec endpoint across origins. */
  CODEC_CORS_ORIGIN: z
    .string()
    .default('http://127.0.0.1:8233')
    .refine((value) => URL.canParse(value) && new URL(value).origin === value, 'an origin, e.g. https://temporal-ui.example.org'),
  /** Where the worker's relay delivers the notices outbox (the station system). Unset: outbox only, nothing is sent. */
  NOTICE_WEBHOOK_URL: unsetWhenEmpty(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional()),
  /** Signs every delivery (HMAC-SHA256); required in production when NOTICE_WEBHOOK_URL is set. */
  NOTICE_WEBHOOK_SECRET: unsetWhenEmpty(z.string().min(16, 'must be at least 16 characters').optional()),
  NOTICE_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** Failed attempts after which a notice is dead-lettered (listed by GET /v1/notices?status=dead, redeliverable). */
  NOTICE_RELAY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(10),
  NOTICE_RELAY_BACKOFF_BASE_MS: z.coerce.number().int().min(10).default(30_000),
  NOTICE_RELAY_BACKOFF_CAP_MS: z.coerce.number().int().min(10).default(3_600_000),
  NOTICE_RELAY_POLL_MS: z.coerce.number().int().min(10).default(5_000),
  /**
   * The worker's sticky cache: open cases kept in memory between their tasks (about 0.36 MB each, as measured before this change);
   * a case evicted from it replays its history when it next wakes. Size it to the cases active at once, not to all open ones.
   */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).default(2_000),
  /** Workflow tasks, activities and local activities (the records' flush) the worker runs at once. */
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: z.coerce.number().int().min(2).default(40),
  WORKER_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).default(40),
  WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES: z.coerce.number().int().min(1).default(40),
  /** Threads that run the cases' workflow code (the SDK's default with one shared V8 context: 1). */
  WORKER_WORKFLOW_THREADS: z.coerce.number().int().min(1).max(16).default(1),
  /**
   * Prometheus metrics, each on a listener of its own beside the API or the worker, never on the API's port: no token
   * (the series carry route patterns, statuses, procedures and notice kinds, never personal data), so bind it where
   * only the scraper reaches it. Unset port: no metrics listener.
   */
  METRICS_HOST: z.string().default('127.0.0.1'),
  API_METRICS_PORT: unsetWhenEmpty(z.coerce.number().int().min(1).max(65535).optional()),
  WORKER_METRICS_PORT: unsetWhenEmpty(z.coerce.number().int().min(1).max(65535).optional()),
  /** After SIGTERM: how long requests in flight (API) and activities in flight (worker) may take before the process exits anyway. */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
});

export type Config = z.infer<typeof configSchema>;

/** How the API verifies tokens: one of the two keys at least, each well formed. */
export interface AuthConfig {
  jwtSecret?: string;
  jwksUrl?: string;
  issuer: string;
  audience: string;
}

/**
 * The API's token verification from the configuration. No key at all refuses to start, in every mode: the API is
 * never open. (`npm start` supplies a generated development secret before it gets here.)
 */
export function authConfig(config: Config, devSecret?: string): AuthConfig {
  const jwtSecret = config.AUTH_JWT_SECRET ?? devSecret;
  if (!jwtSecret && !config.AUTH_JWKS_URL) {
    throw new Error('invalid configuration: AUTH_JWKS_URL or AUTH_JWT_SECRET is required: the API verifies the bearer token of every caller');
  }
  return { jwtSecret, jwksUrl: config.AUTH_JWKS_URL, issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const faults = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${faults}`);
  }
  if (parsed.data.AUTH_DEV_SIGN_IN && (parsed.data.NODE_ENV === 'production' || !parsed.data.AUTH_JWT_SECRET)) {
    throw new Error('invalid configuration: AUTH_DEV_SIGN_IN: only outside production, with AUTH_JWT_SECRET to sign its tokens');
  }
  if (parsed.data.NODE_ENV === 'production') {
    // One way in, and a key set nobody on the path can swap: production verifies the identity provider's tokens only.
    if (parsed.data.AUTH_JWKS_URL && parsed.data.AUTH_JWT_SECRET) {
      throw new Error('invalid configuration: AUTH_JWT_SECRET: not beside AUTH_JWKS_URL in production (a shared secret would be a second way in)');
    }
    if (parsed.data.AUTH_JWKS_URL && !parsed.data.AUTH_JWKS_URL.startsWith('https://')) {
      throw new Error('invalid configuration: AUTH_JWKS_URL: https in production (a key set fetched over http can be replaced on the way)');
    }
  }
  return parsed.data;
}
