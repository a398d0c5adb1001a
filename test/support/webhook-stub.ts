import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedDelivery {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** What the stub answered; `hung` when it never did. */
  answered: number | 'hung';
}

/**
 * The station system's webhook as a plain HTTP server on 127.0.0.1: it records every request with its exact body
 * bytes and answers with `answer` — a status, `redirect` (307 to /moved, which would answer 200) or `hang`.
 */
export class WebhookStub {
  readonly received: ReceivedDelivery[] = [];
  answer: number | 'redirect' | 'hang' = 200;
  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(): Promise<WebhookStub> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const stub = new WebhookStub(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/notices`);
    server.on('request', (request, response) => stub.handle(request, response));
    return stub;
  }

  /** The requests that reached the webhook's own path (not a redirect's target). */
  get deliveries(): ReceivedDelivery[] {
    return this.received.filter((r) => r.path === '/notices');
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const received: ReceivedDelivery = { path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks), answered: 'hung' };
      this.received.push(received);
      const answer = request.url === '/moved' ? 200 : this.answer;
      if (answer === 'hang') return;
      received.answered = answer === 'redirect' ? 307 : answer;
      if (answer === 'redirect') response.writeHead(307, { location: '/moved' });
      else response.writeHead(answer, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ note: 'a partner answer the relay must not read' }));
    });
  }
}
