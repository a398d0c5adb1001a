import type { CaseFixture } from './read-model';

/**
 * Hand-counted duties for the rates over March 2026 (local dates; the period is 2026-03-01T00:00+08:00 up to
 * 2026-04-01T00:00+08:00). Each duty says how it counts. Station S-01 unless said; S-02 is another station.
 */
export const kpiFixture: CaseFixture[] = [
  {
    caseId: 'hazard-rectification:K-H1',
    stationId: 'S-01',
    duties: [
      // on time
      { key: 'filing', status: 'done', dueAt: '2026-03-01T10:00:00+08:00', completedAt: '2026-03-01T09:00:00+08:00' },
      // on time
      { key: 'reinspection', status: 'done', dueAt: '2026-03-05T23:59:59+08:00', completedAt: '2026-03-05T10:00:00+08:00' },
    ],
  },
  {
    caseId: 'hazard-rectification:K-H2',
    stationId: 'S-01',
    duties: [
      // late
      { key: 'filing', status: 'done', dueAt: '2026-03-02T10:00:00+08:00', completedAt: '2026-03-02T11:00:00+08:00', late: true },
      // late: reported on time, but after the case had marked it overdue
      {
        key: 'reinspection',
        status: 'done',
        dueAt: '2026-03-10T23:59:59+08:00',
        completedAt: '2026-03-10T20:00:00+08:00',
        late: true,
        overdueAt: '2026-03-11T00:00:00+08:00',
      },
    ],
  },
  {
    caseId: 'hazard-rectification:K-H3',
    stationId: 'S-01',
    duties: [
      // missed: overdue, still open
      { key: 'reinspection', status: 'overdue', dueAt: '2026-03-12T23:59:59+08:00', overdueAt: '2026-03-13T00:00:00+08:00' },
      // discharged late: counts for the reporting rate (62(3)), which asks whether, not when
      { key: 'failure-report', status: 'done', dueAt: '2026-03-15T23:59:59+08:00', completedAt: '2026-03-16T09:00:00+08:00', late: true },
    ],
  },
  {
    caseId: 'hazard-rectification:K-H4',
    stationId: 'S-01',
    status: 'closed',
    duties: [
      // missed: overdue, then cancelled when the case closed
      {
        key: 'reinspection',
        status: 'cancelled',
        dueAt: '2026-03-20T23:59:59+08:00',
        completedAt: '2026-03-25T09:00:00+08:00',
        overdueAt: '2026-03-21T00:00:00+08:00',
      },
      // missed
      { key: 'failure-report', status: 'overdue', dueAt: '2026-03-18T23:59:59+08:00', overdueAt: '2026-03-19T00:00:00+08:00' },
    ],
  },
  {
    caseId: 'hazard-rectification:K-H5',
    stationId: 'S-01',
    status: 'closed',
    duties: [
      // excluded: cancelled before its time
      { key: 'reinspection', status: 'cancelled', dueAt: '2026-03-22T23:59:59+08:00', completedAt: '2026-03-14T09:00:00+08:00' },
    ],
  },
  {
    caseId: 'hazard-rectification:K-H6',
    stationId: 'S-01',
    // excluded: waived
    duties: [{ key: 'reinspection', status: 'waived', dueAt: '2026-03-23T23:59:59+08:00' }],
  },
  {
    caseId: 'hazard-rectification:K-H7',
    stationId: 'S-01',
    // excluded: not yet due when the read model was written
    duties: [{ key: 'reinspection', status: 'pending', dueAt: '2026-03-30T23:59:59+08:00' }],
  },
  {
    caseId: 'hazard-rectification:K-H8',
    stationId: 'S-01',
    // excluded: a duty from before the case was adopted (and any other status the rates do not name)
    duties: [{ key: 'reinspection', status: 'before-adoption', dueAt: '2026-03-08T23:59:59+08:00', completedAt: '2026-03-08T09:00:00+08:00' }],
  },
  {
    caseId: 'hazard-rectification:K-H9',
    stationId: 'S-01',
    // excluded: due after the period (the first instant of April)
    duties: [{ key: 'reinspection', status: 'done', dueAt: '2026-04-01T00:00:00+08:00', completedAt: '2026-03-31T09:00:00+08:00' }],
  },
  {
    caseId: 'hazard-rectification:K-H10',
    stationId: 'S-01',
    // excluded: due before the period
    duties: [{ key: 'reinspection', status: 'done', dueAt: '2026-02-28T23:59:59+08:00', completedAt: '2026-02-28T09:00:00+08:00' }],
  },
  {
    caseId: 'hazard-rectification:K-H11',
    stationId: 'S-02',
    // on time, at the other station: in the rate of every station, not of S-01
    duties: [{ key: 'reinspection', status: 'done', dueAt: '2026-03-06T23:59:59+08:00', completedAt: '2026-03-06T09:00:00+08:00' }],
  },
  {
    caseId: 'hazard-rectification:K-H12',
    stationId: 'S-01',
    // on time, due on the last second of the period
    duties: [{ key: 'reinspection', status: 'done', dueAt: '2026-03-31T23:59:59+08:00', completedAt: '2026-03-31T23:00:00+08:00' }],
  },
  {
    caseId: 'case-follow-up:K-F1',
    stationId: 'S-01',
    // excluded from the hazard rates: the key of another procedure's duty
    duties: [{ key: 'reinspection', status: 'done', dueAt: '2026-03-09T23:59:59+08:00', completedAt: '2026-03-09T09:00:00+08:00' }],
  },
  {
    caseId: 'bail-surveillance:K-B1',
    stationId: 'S-01',
    duties: [
      // on time
      { key: 'expiry-report', status: 'done', dueAt: '2026-03-19T23:59:59+08:00', completedAt: '2026-03-18T09:00:00+08:00' },
      // on time
      { key: 'half-yearly-visit', period: '1', status: 'done', dueAt: '2026-03-03T23:59:59+08:00', completedAt: '2026-03-01T09:00:00+08:00' },
    ],
  },
  {
    caseId: 'bail-surveillance:K-B2',
    stationId: 'S-01',
    // late: the officer's report sent after its time
    duties: [{ key: 'expiry-report', status: 'done', dueAt: '2026-03-21T09:00:00+08:00', completedAt: '2026-03-21T15:00:00+08:00', late: true }],
  },
  {
    caseId: 'deprived-rights:K-D1',
    stationId: 'S-01',
    // missed: the half-yearly visit counts in one rate whichever specific-subject procedure owes it
    duties: [
      { key: 'half-yearly-visit', period: '1', status: 'overdue', dueAt: '2026-03-04T23:59:59+08:00', overdueAt: '2026-03-05T00:00:00+08:00' },
    ],
  },
];
