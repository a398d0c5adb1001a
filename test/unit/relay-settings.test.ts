import pino from 'pino';
import { loadConfig } from '../../src/config';
import { backoffDelay } from '../../src/relay/notice-relay';
import { noticeRelaySettings } from '../../src/relay/settings';

const url = 'https://station.example/notices';
const secret = 'a-secret-of-sufficient-length';

function withWarnings() {
  const warnings: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => warnings.push(JSON.parse(line).msg) });
  return { logger, warnings };
}

test('without a webhook the relay does not run: notices stay in the outbox', () => {
  const { logger } = withWarnings();
  expect(noticeRelaySettings(loadConfig({}), logger)).toBeUndefined();
  // docker-compose passes an unset variable as an empty string
  expect(noticeRelaySettings(loadConfig({ NOTICE_WEBHOOK_URL: '', NOTICE_WEBHOOK_SECRET: '' }), logger)).toBeUndefined();
});

test('production refuses a webhook without a secret, naming both variables', () => {
  const { logger } = withWarnings();
  expect(() => noticeRelaySettings(loadConfig({ NODE_ENV: 'production', NOTICE_WEBHOOK_URL: url }), logger)).toThrow(
    'NOTICE_WEBHOOK_URL is set but NOTICE_WEBHOOK_SECRET is not: production never sends notices unsigned',
  );
  expect(noticeRelaySettings(loadConfig({ NODE_ENV: 'production', NOTICE_WEBHOOK_URL: url, NOTICE_WEBHOOK_SECRET: secret }), logger)).toEqual({
    url,
    secret,
    timeoutMs: 10_000,
    maxAttempts: 10,
    backoffBaseMs: 30_000,
    backoffCapMs: 3_600_000,
    pollIntervalMs: 5_000,
  });
});

test('development sends unsigned with a warning', () => {
  const { logger, warnings } = withWarnings();
  expect(noticeRelaySettings(loadConfig({ NOTICE_WEBHOOK_URL: url }), logger)).toMatchObject({ url, secret: undefined });
  expect(warnings).toEqual(['NOTICE_WEBHOOK_SECRET is unset: notices are delivered unsigned (allowed outside production only)']);
});

test('bad relay settings are refused with the variable named', () => {
  const { logger } = withWarnings();
  expect(() => loadConfig({ NOTICE_WEBHOOK_URL: 'ftp://station.example/notices' })).toThrow('NOTICE_WEBHOOK_URL: must be an http(s) URL');
  expect(() => loadConfig({ NOTICE_WEBHOOK_SECRET: 'short' })).toThrow('NOTICE_WEBHOOK_SECRET: must be at least 16 characters');
  expect(() => loadConfig({ NOTICE_RELAY_MAX_ATTEMPTS: '0' })).toThrow(/NOTICE_RELAY_MAX_ATTEMPTS/);
  const config = loadConfig({
    NOTICE_WEBHOOK_URL: url,
    NOTICE_WEBHOOK_SECRET: secret,
    NOTICE_RELAY_BACKOFF_BASE_MS: '60000',
    NOTICE_RELAY_BACKOFF_CAP_MS: '1000',
  });
  expect(() => noticeRelaySettings(config, logger)).toThrow('NOTICE_RELAY_BACKOFF_BASE_MS may not exceed NOTICE_RELAY_BACKOFF_CAP_MS');
});

test('the backoff doubles from the base and stops at the cap', () => {
  expect([1, 2, 3, 4, 5, 6, 7, 8].map((attempts) => backoffDelay(attempts, 30_000, 3_600_000) / 1000)).toEqual([
    30, 60, 120, 240, 480, 960, 1920, 3600,
  ]);
});
