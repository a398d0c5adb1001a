import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { freePort } from '../../src/dev/processes';
import { ensureTemporalCli } from '../../src/dev/provision';
import { ensureTestServer, LOOPBACK_MAIN_CLASS, TEST_SERVER_MAIN_CLASS, testServerCachePath } from '../support/provision-test-server';

function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>): void => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  apply(vars);
  return fn().finally(() => apply(saved));
}

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('provisioning', () => {
  it('prefers TEMPORAL_CLI_PATH for the temporal CLI', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beatflow-provision-'));
    const fake = path.join(dir, 'my-temporal');
    fs.writeFileSync(fake, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    try {
      await expect(withEnv({ TEMPORAL_CLI_PATH: fake }, () => ensureTemporalCli(() => undefined))).resolves.toEqual({ path: fake, source: 'env' });
      await expect(withEnv({ TEMPORAL_CLI_PATH: path.join(dir, 'missing') }, () => ensureTemporalCli(() => undefined))).rejects.toThrow(
        /TEMPORAL_CLI_PATH/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('provides the test server as an executable wrapper that names the main class', async () => {
    const server = await withEnv({ TEMPORAL_TEST_SERVER_PATH: undefined }, () => ensureTestServer());
    if (!server) {
      console.warn('no Java/Maven here: ensureTestServer() falls back to the SDK download; wrapper not checked');
      return;
    }
    expect(server.path).toBe(testServerCachePath());
    expect(['cache', 'built']).toContain(server.source);
    fs.accessSync(server.path, fs.constants.X_OK);
    const wrapper = fs.readFileSync(server.path, 'utf8');
    expect(wrapper.startsWith('#!/bin/sh')).toBe(true);
    expect(wrapper).toContain(TEST_SERVER_MAIN_CLASS);
    const mainClass = (name: string): string => name.replace(/\./g, '\\.');
    expect(wrapper).toMatch(new RegExp(`^exec "\\$JAVA" .* (${mainClass(LOOPBACK_MAIN_CLASS)}|${mainClass(TEST_SERVER_MAIN_CLASS)}) "\\$@"$`, 'm'));
  });

  // The time-skipping environment waits up to a minute for the server it starts (test/support/time-skipping.ts).
  it('starts the test server from the wrapper, listening on 127.0.0.1', async () => {
    const server = await withEnv({ TEMPORAL_TEST_SERVER_PATH: undefined }, () => ensureTestServer(() => undefined));
    if (!server) return;
    const port = await freePort();
    const child = spawn(server.path, [String(port)], { stdio: 'ignore' });
    try {
      for (let tries = 0; !(await connects(port)); tries++) {
        expect(child.exitCode).toBeNull();
        if (tries === 1200) throw new Error('the test server did not listen on 127.0.0.1 within a minute');
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  });
});
