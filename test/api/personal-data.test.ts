/**
 * Personal data at the API: the codec endpoint of the Temporal UI (one rule per role, CORS for the UI's origin only) and
 * the case view's people, masked for the roles whose work does not need them. On fakes, with the caller set by a test
 * hook where the identity plugin will set it.
 */
import { defaultPayloadConverter, METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import type { Principal, Role } from '../../src/domain/roles';
import { EncryptionCodec, encryptedEncoding, parsePayloadKeys } from '../../src/temporal/codec';
import { buildTestApp, type TestApp } from '../helper';
import { action, bailStart } from '../support/cases';

const uiOrigin = 'http://127.0.0.1:8233';
const codec = new EncryptionCodec(parsePayloadKeys(`ui-test:${Buffer.alloc(32, 7).toString('base64')}`));
const subject = { name: '甄秘密', idNumber: '510402199203154321', address: '四川省攀枝花市东区密码街88号' };
const casePath = (caseId: string) => `/v1/cases/${encodeURIComponent(caseId)}`;

let t: TestApp;
/** The caller of the next requests; undefined: none (no token). */
let caller: Principal | undefined;
const as = (role: Role | undefined) => {
  // The officer is the one the cases below are assigned to.
  caller = role && { sub: role === 'officer' ? 'P-20931' : `${role}-1`, roles: [role], stationIds: ['S-01'] };
};

beforeAll(async () => {
  t = await buildTestApp({ payloadCodec: codec, codecCorsOrigin: uiOrigin, principalOf: () => caller });
});
afterAll(async () => {
  await t.app.close();
});
beforeEach(() => {
  caller = undefined;
  t.unmasked.length = 0;
});

/** A payload as the Temporal UI posts it: the protobuf JSON (bytes in base64). */
function uiPayload(value: unknown) {
  return uiJson(defaultPayloadConverter.toPayload(value));
}
function uiJson(payload: Payload) {
  return {
    metadata: Object.fromEntries(Object.entries(payload.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    data: Buffer.from(payload.data!).toString('base64'),
  };
}
const codecPost = (path: string, payloads: unknown[], headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: path, payload: { payloads }, headers: { 'x-namespace': 'default', ...headers } });

describe('the codec endpoint', () => {
  /** A case of station S-01 assigned to P-20931, started through the API; its start as Temporal holds it, sealed. */
  async function sealedStart() {
    as('station-system');
    const start = bailStart(Date.parse('2026-03-02T09:00:00+08:00'), { subject, guarantee: { kind: 'guarantor', guarantorName: '贾保人' } });
    expect((await t.app.inject({ method: 'POST', url: '/v1/cases', payload: start })).statusCode).toBe(201);
    const [sealed] = await codec.encode([defaultPayloadConverter.toPayload({ start })]);
    return { caseId: `bail-surveillance:${start.caseNumber}`, sealed: uiJson(sealed) };
  }
  const opened = (res: { json(): { payloads: Array<{ data: string }> } }) =>
    JSON.parse(Buffer.from(res.json().payloads[0].data, 'base64').toString());

  test('the codec opens payloads in the UI protocol and seals none: a payload in the clear or altered opens as unsealed', async () => {
    as('supervisor');
    // Sealing for a browser would let anyone signed in forge an action that the worker takes as the API's.
    expect((await codecPost('/codec/encode', [uiPayload(subject)])).statusCode).toBe(404);
    const [sealedSubject] = await codec.encode([defaultPayloadConverter.toPayload(subject)]);
    const sealed = uiJson(sealedSubject);
    expect(Buffer.from(sealed.metadata[METADATA_ENCODING_KEY], 'base64').toString()).toBe(encryptedEncoding);
    expect(Buffer.from(sealed.data, 'base64').includes(Buffer.from(subject.name))).toBe(false);
    const altered = { ...sealed, data: Buffer.from(Buffer.from(sealed.data, 'base64').map((b, i) => (i === 20 ? b ^ 0xff : b))).toString('base64') };
    const decoded = await codecPost('/codec/decode', [sealed, uiPayload('plain, sent around the API'), altered]);
    expect(decoded.statusCode).toBe(200);
    expect(decoded.headers['cache-control']).toBe('no-store');
    const [openedPayload, plain, broken] = decoded.json().payloads.map((p: { data: string }) => JSON.parse(Buffer.from(p.data, 'base64').toString()));
    // Not a case's start or view: nothing in it is a declared personal field, and nothing is recorded.
    expect(openedPayload).toEqual(subject);
    expect([plain, broken]).toEqual([{ unsealedPayload: 'plaintext' }, { unsealedPayload: 'altered' }]);
    expect(t.unmasked).toEqual([]);
  });

  test("one rule per role, whichever door: the codec shows a case's people as GET /v1/cases/:id shows them to the same caller, and a case the caller may not see stays sealed", async () => {
    const { caseId, sealed } = await sealedStart();
    const callers: Array<[string, Principal, 'unmasked' | 'masked' | 'sealed']> = [
      ['the station leader', { sub: 'SL-1', roles: ['station-leader'], stationIds: ['S-01'] }, 'unmasked'],
      ['the officer the case is assigned to', { sub: 'P-20931', roles: ['officer'], stationIds: ['S-01'] }, 'unmasked'],
      ['a supervisor', { sub: 'SV-1', roles: ['supervisor'], stationIds: ['*'] }, 'masked'],
      ['a supervisor of the station', { sub: 'SV-2', roles: ['supervisor'], stationIds: ['S-01'] }, 'masked'],
      ['another officer of the station', { sub: 'P-20932', roles: ['officer'], stationIds: ['S-01'] }, 'sealed'],
      ["another station's leader", { sub: 'SL-2', roles: ['station-leader'], stationIds: ['S-02'] }, 'sealed'],
      ["another station's supervisor", { sub: 'SV-3', roles: ['supervisor'], stationIds: ['S-02'] }, 'sealed'],
    ];
    for (const [who, principal, expected] of callers) {
      caller = principal;
      t.unmasked.length = 0;
      const res = await codecPost('/codec/decode', [sealed]);
      expect({ who, status: res.statusCode }).toEqual({ who, status: 200 });
      const view = await t.app.inject({ method: 'GET', url: casePath(caseId) });
      if (expected === 'sealed') {
        // As the API answers 404: the payload comes back as it was sent, nothing opened, nothing recorded.
        expect({ who, payloads: res.json().payloads }).toEqual({ who, payloads: [sealed] });
        expect({ who, status: view.statusCode }).toEqual({ who, status: 404 });
        expect(t.unmasked).toEqual([]);
        continue;
      }
      const { subject: seen, guarantee } = opened(res).start;
      if (expected === 'unmasked') {
        expect({ who, seen }).toEqual({ who, seen: subject });
        expect(guarantee.guarantorName).toBe('贾保人');
        expect(view.json().personal[0]).toEqual({ role: 'subject', ...seen });
      } else {
        expect({ who, seen }).toEqual({ who, seen: { name: '甄*', idNumber: '510402********4321', address: '四川省攀枝花****' } });
        expect(guarantee.guarantorName).toBe('贾*');
        expect(view.json().personal[0]).toEqual({ role: 'subject', ...seen });
      }
      expect(res.body).not.toContain(expected === 'masked' ? subject.idNumber : '********');
    }
  });

  test('an unmasked opening of a case is written once per person and case in ten minutes (a page load is many requests)', async () => {
    const { sealed } = await sealedStart();
    caller = { sub: 'SL-9', roles: ['station-leader'], stationIds: ['S-01'] };
    for (let i = 0; i < 5; i++) expect((await codecPost('/codec/decode', [sealed])).statusCode).toBe(200);
    expect(t.unmasked).toEqual(['POST /codec/decode']);
    caller = { sub: 'SV-9', roles: ['supervisor'], stationIds: ['*'] };
    expect((await codecPost('/codec/decode', [sealed])).statusCode).toBe(200);
    // Masked for a supervisor: nothing personal was opened, nothing is written.
    expect(t.unmasked).toEqual(['POST /codec/decode']);
  });

  test('no caller is 401; the station system and the admin 403; nothing is opened', async () => {
    const { sealed } = await sealedStart();
    for (const path of ['/codec/decode']) {
      as(undefined);
      const anonymous = await codecPost(path, [sealed]);
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.body).not.toContain(Buffer.from(subject.name).toString('base64'));
      for (const role of ['station-system', 'admin'] as const) {
        as(role);
        const refused = await codecPost(path, [sealed]);
        expect({ role, status: refused.statusCode }).toEqual({ role, status: 403 });
        expect(refused.json().error.code).toBe('forbidden');
      }
    }
  });

  test('a payload sealed with a key not configured opens as unsealed, naming no content; a malformed body is 400', async () => {
    as('supervisor');
    const other = new EncryptionCodec(parsePayloadKeys(`gone:${Buffer.alloc(32, 9).toString('base64')}`));
    const [foreign] = await other.encode([defaultPayloadConverter.toPayload(subject)]);
    const res = await codecPost('/codec/decode', [uiJson(foreign)]);
    expect(res.statusCode).toBe(200);
    expect(opened(res)).toEqual({ unsealedPayload: 'unknown-key' });
    expect((await codecPost('/codec/decode', [{ data: 'not base64!' }])).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'POST', url: '/codec/decode', payload: { nothing: [] } })).statusCode).toBe(400);
  });

  test('CORS: the preflight (no token) and the answer name the configured UI origin only', async () => {
    const preflight = (origin: string) =>
      t.app.inject({
        method: 'OPTIONS',
        url: '/codec/decode',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,x-namespace' },
      });
    const allowed = await preflight(uiOrigin);
    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe(uiOrigin);
    expect(String(allowed.headers['access-control-allow-headers']).toLowerCase().split(/,\s*/)).toEqual(
      expect.arrayContaining(['authorization', 'content-type', 'x-namespace']),
    );
    expect(allowed.headers['access-control-allow-methods']).toBe('POST');
    const foreign = await preflight('https://evil.example');
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();

    as('supervisor');
    const fromUi = await codecPost('/codec/decode', [], { origin: uiOrigin });
    expect(fromUi.headers['access-control-allow-origin']).toBe(uiOrigin);
    const fromElsewhere = await codecPost('/codec/decode', [], { origin: 'https://evil.example' });
    expect(fromElsewhere.headers['access-control-allow-origin']).toBeUndefined();
    // The API's own routes answer no CORS at all.
    const api = await t.app.inject({ method: 'GET', url: '/v1/cases', headers: { origin: uiOrigin } });
    expect(api.headers['access-control-allow-origin']).toBeUndefined();
  });

  test('without a codec configured there is no codec endpoint', async () => {
    const plain = await buildTestApp({ principalOf: () => ({ sub: 'SV-1', roles: ['supervisor'], stationIds: ['*'] }) });
    try {
      expect((await plain.app.inject({ method: 'POST', url: '/codec/decode', payload: { payloads: [] } })).statusCode).toBe(404);
    } finally {
      await plain.app.close();
    }
  });
});

describe('masking', () => {
  const masked = [
    { role: 'subject', name: '甄*', idNumber: '510402********4321', address: '四川省攀枝花****' },
    { role: 'guarantor', name: '贾*' },
  ];
  const unmasked = [
    { role: 'subject', ...subject },
    { role: 'guarantor', name: '贾保人' },
  ];

  async function bailCase(): Promise<string> {
    as('station-system');
    const start = bailStart(Date.parse('2026-03-02T09:00:00+08:00'), { subject, guarantee: { kind: 'guarantor', guarantorName: '贾保人' } });
    const created = await t.app.inject({ method: 'POST', url: '/v1/cases', payload: start });
    expect(created.statusCode).toBe(201);
    return created.json().caseId;
  }

  test.each([
    ['officer', unmasked, true],
    ['station-leader', unmasked, true],
    ['supervisor', masked, false],
    ['station-system', masked, false],
  ] as const)('GET of a case as %s (undefined: no caller)', async (role, expected, logged) => {
    const caseId = await bailCase();
    t.unmasked.length = 0;
    as(role);
    const res = await t.app.inject({ method: 'GET', url: casePath(caseId) });
    expect(res.statusCode).toBe(200);
    expect(res.json().personal).toEqual(expected);
    expect(t.unmasked).toEqual(logged ? [`GET ${casePath(caseId)}`] : []);
    if (!logged) expect(res.body).not.toContain(subject.idNumber);
  });

  test.each([
    ['admin', 403],
    [undefined, 401],
  ] as const)('GET of a case as %s (undefined: no caller) is refused, and carries nothing of it', async (role, status) => {
    const caseId = await bailCase();
    t.unmasked.length = 0;
    as(role);
    const res = await t.app.inject({ method: 'GET', url: casePath(caseId) });
    expect(res.statusCode).toBe(status);
    expect(res.body).not.toContain(subject.idNumber);
    expect(t.unmasked).toEqual([]);
  });

  test('the answer to an action: unmasked to the officer who reports it, masked to the station system; a repeat likewise', async () => {
    const caseId = await bailCase();
    t.unmasked.length = 0;
    as('officer');
    // The actor is the caller (the token's sub): the body names none.
    const { actor: _actor, ...reported } = action({ type: 'subject-reported' });
    const officer = await t.app.inject({ method: 'POST', url: `${casePath(caseId)}/actions`, payload: reported });
    expect(officer.json().personal).toEqual(unmasked);
    expect(t.unmasked).toEqual([`POST ${casePath(caseId)}/actions`]);
    as('station-system');
    const system = await t.app.inject({
      method: 'POST',
      url: `${casePath(caseId)}/actions`,
      payload: { ...action({ type: 'authority-decided', decision: 'revoked' }), actor: 'station-system-1' },
    });
    expect(system.json()).toMatchObject({ status: 'closed', outcome: 'revoked', personal: masked });
    // The repeat comes from the officer who reported it (the station system may not send it): unmasked again, and logged.
    as('officer');
    const repeated = await t.app.inject({ method: 'POST', url: `${casePath(caseId)}/actions`, payload: reported });
    expect(repeated.json()).toMatchObject({ duplicate: true, personal: unmasked });
    expect(t.unmasked).toHaveLength(2);
  });

  test("a dispute's parties are masked by name, in the start's order with their roles", async () => {
    as('station-system');
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/cases',
      payload: {
        procedure: 'dispute',
        caseNumber: 'JF-MASK-1',
        stationId: 'S-01',
        officerId: 'P-20931',
        source: 'alarm',
        category: 'neighbour',
        parties: [
          { name: '欧阳娜娜', role: 'complainant' },
          { name: '赵六', role: 'respondent' },
        ],
        place: '某小区',
        occurredAt: '2026-03-02T09:00:00+08:00',
        riskLevel: 'low',
      },
    });
    expect(created.statusCode).toBe(201);
    as('supervisor');
    expect((await t.app.inject({ method: 'GET', url: casePath(created.json().caseId) })).json().personal).toEqual([
      { role: 'party', name: '欧*', partyRole: 'complainant' },
      { role: 'party', name: '赵*', partyRole: 'respondent' },
    ]);
  });
});
