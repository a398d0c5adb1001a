import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

export interface AppRole {
  /** The login role's name. */
  name: string;
  /** The database at `databaseUrl`, reached as this role. */
  url: string;
  /** Drops the role; call it after every connection as the role has ended (after the database is dropped). */
  drop(): Promise<void>;
}

/**
 * A login role of the application, as an installation creates one: a member of the NOLOGIN group beatflow_app that
 * the migrations create and grant to. The test server trusts local connections, so it needs no password.
 */
export async function appRole(databaseUrl: string): Promise<AppRole> {
  const name = `beatflow_app_test_${randomUUID().slice(0, 8)}`;
  const admin = new Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE ROLE ${name} LOGIN IN ROLE beatflow_app`);
  } finally {
    await admin.end();
  }
  const url = new URL(databaseUrl);
  url.username = name;
  url.password = '';
  return {
    name,
    url: url.toString(),
    drop: async () => {
      const server = new URL(databaseUrl);
      server.pathname = '/postgres';
      const again = new Client({ connectionString: server.toString() });
      await again.connect();
      try {
        await again.query(`DROP ROLE IF EXISTS ${name}`);
      } finally {
        await again.end();
      }
    },
  };
}
