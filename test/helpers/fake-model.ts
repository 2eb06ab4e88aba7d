// An OpenAI-compatible chat-completions endpoint that answers every request with a fixed JSON
// decision: lets tests drive real `steward run` processes through the remote-model path with
// exactly the actions they want to race, without weights. It is a model the tests control, not a
// mock of Steward: decide(), the policy and the executor all run for real in each process.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeModel {
  url: string;
  /** Chat-completion requests answered so far. */
  readonly requests: number;
  /** Replaces the answer for the next requests. */
  answer(decision: unknown): void;
  close(): Promise<void>;
}

export async function startFakeModel(decision: unknown): Promise<FakeModel> {
  let current = JSON.stringify(decision);
  let requests = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        res
          .writeHead(404, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: { message: `no route ${req.method} ${req.url}` } }));
        return;
      }
      requests++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id: `fake-${requests}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: 'fake',
          choices: [{ index: 0, message: { role: 'assistant', content: current }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    get requests() {
      return requests;
    },
    answer(next) {
      current = JSON.stringify(next);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
