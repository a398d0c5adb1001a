/**
 * The Temporal Web UI as `npm start` and production configure it (the UI server beside the dev server: the codec called
 * with the browser's credentials, write actions off), in a real browser (Debian's chromium driven by playwright-core),
 * used as a person uses it: they sign in at the API's development sign-in page and open a case. Without signing in the
 * timeline stays sealed; signed in, the UI decodes it through the codec endpoint with the session cookie, and the
 * person reads the Chinese summaries, the officer's action by type and actor, the current details, and the people of
 * the case as their role allows: unmasked for the officer the case is assigned to, masked for a supervisor.
 * No request is intercepted. Screenshots: test-artifacts/ui/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Browser, type Page, type Request, chromium } from 'playwright-core';
import { maskIdNumber, maskName } from '../../src/domain/personal';
import { action, bailStart } from '../support/cases';
import { type FreshDatabase, freshDatabase } from '../support/database';
import { ProcessStack } from '../support/stack';

const uiUrl = process.env.BEATFLOW_TEST_TEMPORAL_UI_URL;
const codecPort = Number(process.env.BEATFLOW_TEST_CODEC_API_PORT);
const apiUrl = `http://127.0.0.1:${codecPort}`;
const artifacts = path.resolve(__dirname, '../../test-artifacts/ui');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let db: FreshDatabase;
let stack: ProcessStack;
let browser: Browser;
let caseId: string;
// The development identities are of station S-01; the case is P-20931's there, with a case number of its own.
const start = bailStart(Date.now(), { stationId: 'S-01', officerId: 'P-20931', caseNumber: `UI-${Date.now().toString(36)}` });

beforeAll(async () => {
  if (!uiUrl || !codecPort) throw new Error('the global setup started no Temporal UI');
  fs.mkdirSync(artifacts, { recursive: true });
  db = await freshDatabase('e2e_ui');
  stack = await ProcessStack.start('e2e-ui', {
    databaseUrl: db.url,
    port: codecPort,
    env: { CODEC_CORS_ORIGIN: new URL(uiUrl).origin, AUTH_DEV_SIGN_IN: 'true' },
  });
  browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
  const started = await stack.http('POST', '/v1/cases', start);
  expect(started.status).toBe(201);
  caseId = started.body.caseId;
  expect((await stack.report(caseId, action({ type: 'subject-reported', actor: 'P-20931' }))).status).toBe(200);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await db?.drop();
});

/** A browser of its own (cookies are per context), signed in as `identity` at the sign-in page the way a person does. */
async function signedIn(identity: string | undefined): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1200 } });
  const page = await context.newPage();
  if (identity) {
    await page.goto(`${apiUrl}/sign-in`);
    await page.getByRole('button', { name: identity }).click();
    await page.getByText(`已登录：${identity}`).waitFor();
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

test('signed in as a supervisor, the list filtered by StationId and CaseStatus shows the case; write actions are off', async () => {
  const page = await signedIn('督察（全部派出所）');
  const query = encodeURIComponent(`StationId="S-01" AND CaseStatus="open" AND CaseProcedure="bail-surveillance"`);
  await page.goto(`${uiUrl}/namespaces/default/workflows?query=${query}`);
  await page.getByText(caseId).first().waitFor();
  await page.screenshot({ path: path.join(artifacts, 'list-by-station-and-status.png'), fullPage: true });
  expect(await page.innerText('body')).toContain('bailSurveillanceWorkflow');
  await page.goto(
    `${uiUrl}/namespaces/default/workflows?query=${encodeURIComponent(`StationId="S-01" AND CaseStatus="closed" AND CaseProcedure="bail-surveillance"`)}`,
  );
  await page.getByText(`"closed"`).first().waitFor();
  await page.waitForLoadState('networkidle');
  expect(await page.innerText('body')).not.toContain(caseId);

  // The case's page offers no way to change it (cancel, terminate, reset, signal): cases change through the API.
  await page.goto(`${uiUrl}/namespaces/default/workflows/${encodeURIComponent(caseId)}`);
  await page.getByRole('heading', { name: 'Event History' }).waitFor();
  expect(await page.getByRole('button', { name: 'Request Cancellation' }).isDisabled()).toBe(true);
  expect(await page.getByRole('button', { name: 'More Actions' }).isDisabled()).toBe(true);
  await page.screenshot({ path: path.join(artifacts, 'case-no-write-actions.png'), fullPage: true });
  await page.context().close();
});

test('signed in as a supervisor: the Chinese summaries, the action by type and actor, the details; the people masked as the API masks them', async () => {
  const page = await signedIn('督察（全部派出所）');
  await openCase(page);
  // The UI shows UTC until the person picks a time zone (the UI server has no setting for it): one click, kept by the browser.
  await page.getByRole('button', { name: 'UTC' }).click();
  await page.getByRole('menuitem', { name: /China Standard Time/ }).click();
  await page.getByRole('button', { name: 'GMT+8' }).waitFor();
  const body = await page.innerText('body');
  expect(body).toMatch(/\d{4}-\d{2}-\d{2} GMT\+8 \d{2}:\d{2}/);
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
  // The input's panel draws once its payload is decoded: the subject as a supervisor sees it everywhere.
  await page.getByText(maskIdNumber(start.subject.idNumber)).first().waitFor();
  expect(body).not.toContain(start.subject.name);
  expect(await page.innerText('body')).not.toContain(start.subject.idNumber);
  expect((await stack.http('GET', `/v1/cases/${encodeURIComponent(caseId)}`)).body.personal[0]).toMatchObject({
    name: maskName(start.subject.name),
    idNumber: maskIdNumber(start.subject.idNumber),
  });
  await page.screenshot({ path: path.join(artifacts, 'case-supervisor.png'), fullPage: true });

  // The officer's action: the Update's id names its type and actor (the accepted event, opened).
  await page.getByText('Workflow Execution Update Accepted').first().click();
  await page.getByText('subject-reported by P-20931').first().waitFor();

  // The static summary and the current details (rendered as markdown, each in a frame of its own).
  await page.getByText('User Metadata').first().click();
  await untilShown(page, `取保候审/监视居住 · 案件 ${start.caseNumber} · 派出所 S-01 · 民警 P-20931`);
  await untilShown(page, '待办 告知应遵守的规定及违反规定的法律后果（rules-explained，第41(8)条）');
  await page.screenshot({ path: path.join(artifacts, 'case-user-metadata.png'), fullPage: true });
  await page.context().close();
});

test('signed in as the officer the case is assigned to: the people unmasked, as the officer reads them from the API', async () => {
  const page = await signedIn('民警 P-20931（S-01）');
  await openCase(page);
  await page.getByText(start.subject.idNumber).first().waitFor();
  expect(await page.innerText('body')).toContain(start.subject.name);
  await page.screenshot({ path: path.join(artifacts, 'case-officer.png'), fullPage: true });
  await page.context().close();
});

test('not signed in: the codec refuses (401), and payloads, summaries and details stay sealed', async () => {
  const page = await signedIn(undefined);
  const refused = page.waitForResponse((r) => r.url().endsWith('/codec/decode') && r.request().method() === 'POST');
  const body = await openCase(page);
  expect((await refused).status()).toBe(401);
  await page.screenshot({ path: path.join(artifacts, 'case-not-signed-in.png'), fullPage: true });
  expect(body).not.toContain(start.subject.name);
  expect(body).not.toContain(maskName(start.subject.name));
  expect(body).not.toContain(start.subject.idNumber);
  expect(body).not.toContain('记录行动');
  await page.context().close();
});
