/** A tiny loopback HTTP server for client unit tests: scripted answers, recorded requests. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../support/stack.js';

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

export interface Answer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

/** An answer, or 'hang' (never answer) or 'destroy' (drop the connection). */
export type Script = (req: RecordedRequest, n: number) => Answer | 'hang' | 'destroy';

export interface FakeServer {
  readonly url: string;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function fakeServer(script: Script): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(r);
      const a = script(r, requests.length);
      if (a === 'hang') return;
      if (a === 'destroy') { req.socket.destroy(); return; }
      res.writeHead(a.status, a.headers ?? {});
      res.end(a.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): Answer =>
  ({ status, headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

/** A section of a captures/*-shapes.txt file: `### name  curl-args`, `STATUS content-type`, body. */
export interface Capture {
  readonly name: string;
  readonly args: string;
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** Copies of the real-server captures of shared/reference/captures (the repo must be self-contained). */
export const CAPTURES_DIR = path.join(REPO_ROOT, 'test/unit/integration/captures');

export function loadCaptures(file: string): Map<string, Capture> {
  const text = readFileSync(path.join(CAPTURES_DIR, file), 'utf8');
  const out = new Map<string, Capture>();
  for (const section of text.split(/^### /m).slice(1)) {
    const lines = section.split('\n');
    const head = lines[0] ?? '';
    const [name = '', ...rest] = head.split(/\s+/);
    const statusLine = lines[1] ?? '';
    const m = /^(\d+)\s*(.*)$/.exec(statusLine);
    out.set(name, { name, args: rest.join(' '), status: Number(m?.[1] ?? 0), contentType: (m?.[2] ?? '').trim(), body: lines.slice(2).join('\n').trim() });
  }
  return out;
}

export function captureAnswer(c: Capture): Answer {
  return { status: c.status, headers: c.contentType ? { 'content-type': c.contentType } : {}, body: c.body };
}

/** A loopback URL nothing listens on (a port that was free a moment ago). */
export async function freePortUrl(): Promise<string> {
  const { freePort } = await import('../../support/stack.js');
  return `http://127.0.0.1:${await freePort()}`;
}
