import { bundleWorkflows } from '../support/cases';

test('the workflow bundle carries no zod, database, HTTP or logging code (each cached workflow holds a copy)', async () => {
  const { code } = await bundleWorkflows();
  expect(code).toContain('bailSurveillanceWorkflow');
  for (const module of ['zod', 'pg', 'fastify', 'pino']) {
    expect(code).not.toMatch(new RegExp(`node_modules/${module}/`));
  }
});
