/**
 * A test WebSocket client (the `ws` package): records every frame, parses JSON ones, and waits
 * for a frame or the close with a bounded timeout, so a missing frame fails with what did arrive.
 */
import WebSocket from 'ws';

export interface Received {
  readonly text: string;
  readonly json: unknown;
}

export class TestClient {
  readonly frames: Received[] = [];
  closed: { code: number; reason: string } | undefined;
  private waiters: Array<() => void> = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      const text = isBinary ? `<binary ${(data as Buffer).length}>` : data.toString();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      this.frames.push({ text, json });
      this.wake();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.wake();
    });
    ws.on('error', () => this.wake());
  }

  /** Opens a socket; rejects with the HTTP status when the upgrade is refused. */
  /** `localAddress` (127.0.0.x) makes the socket come from another client address. */
  static open(url: string, opts: { timeoutMs?: number; localAddress?: string } = {}): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, {
        handshakeTimeout: opts.timeoutMs ?? 5000,
        ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
      });
      const client = new TestClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) => {
        reject(Object.assign(new Error(`upgrade refused: HTTP ${res.statusCode}`), { status: res.statusCode, headers: res.headers }));
        ws.terminate();
      });
      ws.once('error', reject);
    });
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  send(data: string | object): void {
    this.ws.send(typeof data === 'string' ? data : JSON.stringify(data));
  }

  /** JSON frames with a `type`, in arrival order. */
  types(): string[] {
    return this.frames.map((f) =>
      f.json && typeof f.json === 'object' && !Array.isArray(f.json)
        ? String((f.json as { type?: unknown }).type)
        : Array.isArray(f.json)
          ? 'list'
          : f.text,
    );
  }

  /** Waits for the first frame at index ≥ `from` matching `pred`; returns it and its index. */
  async next(
    pred: (f: Received) => boolean,
    opts: { from?: number; timeoutMs?: number; what?: string } = {},
  ): Promise<Received & { index: number }> {
    const deadline = Date.now() + (opts.timeoutMs ?? 5000);
    for (;;) {
      const index = this.frames.findIndex((f, i) => i >= (opts.from ?? 0) && pred(f));
      if (index >= 0) return { ...this.frames[index]!, index };
      const left = deadline - Date.now();
      if (left <= 0 || this.closed) {
        throw new Error(`no ${opts.what ?? 'matching frame'} (closed: ${JSON.stringify(this.closed)}); got: ${this.types().join(', ')}`);
      }
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => (clearTimeout(t), r()));
      });
    }
  }

  /** Waits for a JSON object frame of this type. */
  async nextType<T extends object = Record<string, unknown>>(
    type: string,
    opts: { from?: number; timeoutMs?: number } = {},
  ): Promise<T & { __index: number }> {
    const f = await this.next((r) => !!r.json && typeof r.json === 'object' && (r.json as { type?: unknown }).type === type, {
      ...opts,
      what: `"${type}" frame`,
    });
    return Object.assign(f.json as T, { __index: f.index });
  }

  /** Waits for the close and returns its code and reason. */
  async closedWith(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`socket still open after ${timeoutMs} ms; got: ${this.types().join(', ')}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => (clearTimeout(t), r()));
      });
    }
    return this.closed;
  }

  close(): void {
    if (!this.closed) this.ws.terminate();
  }
}
