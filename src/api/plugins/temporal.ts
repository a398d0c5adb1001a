import type { Client } from '@temporalio/client';
import fp from 'fastify-plugin';
import { connectClient } from '../../temporal/client';

declare module 'fastify' {
  interface FastifyInstance {
    temporal: Client;
    taskQueue: string;
  }
}

export interface TemporalPluginOptions {
  /** An existing client (tests); otherwise one is connected to `address` and closed with the app. */
  client?: Client;
  address?: string;
  namespace: string;
  taskQueue: string;
}

/** The Temporal client, shared by every route; its connection closes with the app. */
export const temporalPlugin = fp<TemporalPluginOptions>(
  async (app, options) => {
    const owned = !options.client;
    const client = options.client ?? (await connectClient(options.address ?? 'localhost:7233', options.namespace));
    app.decorate('temporal', client);
    app.decorate('taskQueue', options.taskQueue);
    if (owned) app.addHook('onClose', async () => client.connection.close());
  },
  { name: 'temporal' },
);
