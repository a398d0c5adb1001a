/**
 * The Temporal Web UI of the dev server, in a real browser (Debian's chromium driven by playwright-core): a supervisor
 * finds a case by its search attributes, opens it and reads its timeline in Chinese — the static summary, the current details, the summaries of timers and activities, the officer's action named by type and actor — and sees personal
 * data only when the codec endpoint opens the payloads for a supervisor's token. Screenshots: test-artifacts/ui/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Browser, type Page, type Request, chromium } from 'playwright-core';
import { action, bailStart } from '../support/cases';
import { type FreshDatabase, freshDatabase } from '../support/database';
import { ProcessStack } from '../support/stack';

const uiUrl = process.env.BEATFLOW_TEST_TEMPORAL_UI_URL;
const codecPort = Number(process.env.BEATFLOW_TEST_CODEC_API_PORT);
const artifacts = path.resolve(__dirname, '../../test-artifacts/ui');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let db: FreshDatabase;
let stack: ProcessStack;
let browser: Browser;
let caseId: string;
const station = `S-UI-${Date.now().toString(36)}`;
const start = bailStart(Date.now(), { stationId: station });

beforeAll(async () => {
  if (!uiUrl || !codecPort) throw new Error('the global setup started no Temporal dev server with its Web UI');
  fs.mkdirSync(artifacts, { recursive: true });
  db = await freshDatabase('e2e_ui');
  stack = await ProcessStack.start('e2e-ui', { databaseUrl: db.url, port: codecPort, env: { CODEC_CORS_ORIGIN: new URL(uiUrl).origin } });
  browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
  const started = await stack.http('POST', '/v1/cases', start, { authorization: `Bearer ${await stationToken()}` });
  expect(started.status).toBe(201);
  caseId = started.body.caseId;
  expect((await stack.report(caseId, action({ type: 'subject-reported', actor: 'P-20931' }))).status).toBe(200);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await db?.drop();
});

async function stationToken(): Promise<string> {
  const { tokenFor } = await import('../support/auth');
  return tokenFor({ role: 'station-system', stationIds: [station], sub: 'E2E-station-system' });
}

/** A page whose requests to the codec endpoint carry `token` (what the UI sends when it passes its user's access token). */
async function pageWith(token: string | undefined): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1200 } });
  if (token) {
    await page.route(`http://127.0.0.1:${codecPort}/codec/**`, (route) =>
      route.request().method() === 'OPTIONS'
        ? route.continue()
        : route.continue({ headers: { ...route.request().headers(), authorization: `Bearer ${token}` } }),
    );
  }
  return page;
}

/** The case's page with its history, once the timeline has drawn (it needs the codec's answers first). */
async function openCase(page: Page): Promise<string> {
  const codec = codecTraffic(page);
  await page.goto(`${uiUrl}/namespaces/default/workflows/${encodeURIComponent(caseId)}`);
  await page.getByRole('heading', { name: 'Event History' }).waitFor();
  await page.getByText('submitAction').first().waitFor();
  // The codec's answers arrive after the events: let them settle before reading the page. (Not 'networkidle': the UI
  // long-polls a running case's history, so its page's network is never idle.)
  await codec.settled();
  return page.innerText('body');
}

/** Counts the page's requests to the codec in flight; settled() resolves once none has been for a second. */
function codecTraffic(page: Page): { settled(): Promise<void> } {
  let inFlight = 0;
  let last = Date.now();
  const isCodec = (r: Request) => r.url().includes('/codec/');
  page.on('request', (r) => {
    if (!isCodec(r)) return;
    inFlight += 1;
    last = Date.now();
  });
  const finished = (r: Request) => {
    if (!isCodec(r)) return;
    inFlight -= 1;
    last = Date.now();
  };
  page.on('requestfinished', finished);
  page.on('requestfailed', finished);
  return {
    async settled() {
      for (let tries = 0; inFlight > 0 || Date.now() - last < 1000; tries++) {
        if (tries === 150) throw new Error('the codec never settled');
        await page.waitForTimeout(200);
      }
    },
  };
}

/** A timer's summary in the timeline: what the wake does, then a duty of this case by title, key and period. */
async function wakeSummaryPattern(): Promise<RegExp> {
  const view = await stack.http('GET', `/v1/cases/${encodeURIComponent(caseId)}`);
  expect(view.status).toBe(200);
  const keys = [...new Set<string>(view.body.obligations.map((o: { key: string }) => o.key))];
  expect(keys.length).toBeGreaterThan(0);
  return new RegExp(`(到期前提醒|到期|发出通知|开启下一期|逾期升级督察)：[^（]+（(${keys.join('|')})( [0-9.-]+)?）`);
}

/** Waits until `text` shows in the page or in one of its frames. */
async function untilShown(page: Page, text: string): Promise<void> {
  const shown = async () => (await Promise.all(page.frames().map((frame) => frame.innerText('body').catch(() => '')))).some((t) => t.includes(text));
  for (let tries = 0; !(await shown()); tries++) {
    if (tries === 100) throw new Error(`"${text}" never showed`);
    await page.waitForTimeout(200);
  }
}

test('the list filtered by StationId and CaseStatus shows the case', async () => {
  const page = await pageWith(stack.tokenFor('supervisor'));
  const query = encodeURIComponent(`StationId="${station}" AND CaseStatus="open"`);
  await page.goto(`${uiUrl}/namespaces/default/workflows?query=${query}`);
  await page.getByText(caseId).first().waitFor();
  await page.screenshot({ path: path.join(artifacts, 'list-by-station-and-status.png'), fullPage: true });
  const body = await page.innerText('body');
  expect(body).toContain('1 Running');
  expect(body).toContain('bailSurveillanceWorkflow');

  await page.goto(`${uiUrl}/namespaces/default/workflows?query=${encodeURIComponent(`StationId="${station}" AND CaseStatus="closed"`)}`);
  await page.getByText(`"closed"`).first().waitFor();
  await page.waitForLoadState('networkidle');
  expect(await page.innerText('body')).not.toContain(caseId);
  await page.close();
});

test("with a supervisor's token the codec opens the timeline: Chinese summaries, the action by type and actor, details, personal data", async () => {
  const page = await pageWith(stack.tokenFor('supervisor'));
  await openCase(page);
  // Activities and timers carry their summaries in Chinese, once the codec has opened them.
  // A wake's records are written by one local activity, its marker summarised with what it wrote.
  await page
    .getByText(/记录行动：subject-reported；.*更新案件读模型/)
    .first()
    .waitFor();
  // The next wake's timer names one of the case's own duties; which one depends on the day the case started.
  await page
    .getByText(await wakeSummaryPattern())
    .first()
    .waitFor();
  // Personal data: only through the codec (the input's panel draws once its payload is decoded).
  await page.getByText(start.subject.idNumber).first().waitFor();
  expect(await page.innerText('body')).toContain(start.subject.name);
  await page.screenshot({ path: path.join(artifacts, 'case-supervisor.png'), fullPage: true });

  // The officer's action: the Update's id names its type and actor (the accepted event, opened).
  await page.getByText('Workflow Execution Update Accepted').first().click();
  await page.getByText('subject-reported by P-20931').first().waitFor();

  // The static summary and the current details (rendered as markdown, each in a frame of its own).
  await page.getByText('User Metadata').first().click();
  await untilShown(page, `取保候审/监视居住 · 案件 ${start.caseNumber} · 派出所 ${station} · 民警 P-20931`);
  await untilShown(page, '待办 告知应遵守的规定及违反规定的法律后果（rules-explained，第41(8)条）');
  await page.screenshot({ path: path.join(artifacts, 'case-user-metadata.png'), fullPage: true });
  await page.close();
});

test.each([
  ['no token (the dev UI has no login, so it sends none)', undefined],
  ["an officer's token", 'officer' as const],
])('with %s the codec refuses: payloads, summaries and details stay sealed', async (_name, role) => {
  const page = await pageWith(role ? stack.tokenFor(role) : undefined);
  const refused = page.waitForResponse((r) => r.url().endsWith('/codec/decode') && r.request().method() === 'POST');
  const body = await openCase(page);
  expect((await refused).status()).toBe(role ? 403 : 401);
  await page.screenshot({ path: path.join(artifacts, `case-${role ?? 'no-token'}.png`), fullPage: true });
  expect(body).not.toContain(start.subject.name);
  expect(body).not.toContain(start.subject.idNumber);
  expect(body).not.toContain('记录行动');
  await page.close();
});
