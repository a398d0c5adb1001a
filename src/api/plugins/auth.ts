import fp from 'fastify-plugin';

export interface AuthPluginOptions {
  /** Bearer tokens accepted on /v1; none: the API is open (development). */
  tokens?: string[];
}

/** The static bearer-token check on every /v1 route; health and the API docs stay open. */
export const authPlugin = fp<AuthPluginOptions>(
  async (app, options) => {
    const tokens = new Set(options.tokens ?? []);
    if (!tokens.size) return;
    app.addHook('onRequest', async (request, reply) => {
      if (!request.url.startsWith('/v1/')) return;
      const token = request.headers.authorization?.replace(/^Bearer /, '');
      if (!token || !tokens.has(token)) {
        return reply.code(401).send({ error: { code: 'unauthorized', message: 'a valid bearer token is required' } });
      }
    });
  },
  { name: 'auth' },
);
