import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { procedureRegistry } from '../../procedures/index';
import { procedureCatalogue, responses } from '../contract';

/** What each registered procedure is, from the registry: titles, articles, policy defaults and its duty table. */
const catalogue = procedureRegistry.map((p) => ({
  name: p.name,
  titleZh: p.titleZh,
  titleEn: p.titleEn,
  articles: p.articles,
  policy: p.policy,
  duties: Object.values(p.duties).map((d) => ({
    key: d.key,
    article: d.article,
    titleZh: d.titleZh,
    titleEn: d.titleEn,
    responsible: d.responsible,
  })),
}));

/** Procedures: the legal procedures beatflow runs and the duties each one keeps. */
const routes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/v1/procedures',
    {
      schema: {
        summary: 'The procedures beatflow runs, each with its duty table',
        tags: ['procedures'],
        response: responses({ 200: procedureCatalogue }),
      },
    },
    async () => ({
      procedures: catalogue,
    }),
  );
};

export const proceduresRoutes = fp(routes, { name: 'procedures-routes', dependencies: ['auth'], encapsulate: true });

/** The API document's tags: the resources, the case resource naming every procedure it starts. */
export const openApiTags = [
  {
    name: 'cases',
    description: `Start, read and list cases. Procedures: ${procedureRegistry.map((p) => `\`${p.name}\` ${p.titleZh} (${p.titleEn}, Art. ${p.articles})`).join('; ')}.`,
  },
  { name: 'actions', description: 'What an officer or the station system reports on a case; validated against its procedure.' },
  { name: 'procedures', description: 'The registered procedures and their duty tables.' },
  { name: 'time', description: 'Legal time arithmetic on the working-day calendar.' },
  { name: 'calendar', description: 'The working-day calendar, year by year.' },
  { name: 'notices', description: "The notices outbox: each notice's delivery to the station system, dead letters and redelivery." },
  { name: 'obligations', description: 'Duties across cases from the read model: what is overdue or due soon, by station.' },
  { name: 'kpis', description: "The regulation's rates per station and period, and the duties behind each number." },
  { name: 'audit', description: 'The hash-chained audit log: the chains of events outside any case.' },
  { name: 'codec', description: "The Temporal UI's remote codec: opens the sealed payloads of a case's history for a supervisor." },
];
