import type { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import fp from 'fastify-plugin';
import { connectClient } from '../../temporal/client';

declare module 'fastify' {
  interface FastifyInstance {
    temporal: Client;
    taskQueue: string;
  }
}

export interface TemporalPluginOptions {
  /** An existing client, whose owner closes its connection; otherwise one is connected to `address` and closed with the app. */
  client?: Client;
  address?: string;
  namespace: string;
  taskQueue: string;
  /** The payload codec's converter for the client connected here (an existing client brings its own). */
  dataConverter?: DataConverter;
}

/** The Temporal client, shared by every route. */
export const temporalPlugin = fp<TemporalPluginOptions>(
  async (app, options) => {
    const client = options.client ?? (await connectClient(options.address ?? 'localhost:7233', options.namespace, options.dataConverter));
    app.decorate('temporal', client);
    app.decorate('taskQueue', options.taskQueue);
    if (!options.client) app.addHook('onClose', async () => client.connection.close());
  },
  { name: 'temporal' },
);
