/**
 * Transport-neutral HTTP types. Services write handlers against these; `@arcp/ws-engine` mounts them
 * on a uWebSockets.js app (its own port per service, or one shared app in the standalone
 * process). Handlers never see uWS objects, so they are unit-testable with plain objects.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpRequest {
  readonly method: HttpMethod;
  /** Path without the query string, e.g. `/agents/a1/heartbeat`. */
  readonly path: string;
  /** Route parameters, URL-decoded (`/agents/:agent_id` → `{ agent_id }`). */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** Header names lower-cased. */
  readonly headers: Readonly<Record<string, string>>;
  /** Peer address as text (IPv4 or IPv6). */
  readonly ip: string;
  /**
   * The client's `X-Request-Id` when it is 1-128 printable characters, else one generated here;
   * echoed in the response header, in problem+json bodies (`request_id`) and in log lines.
   */
  readonly requestId: string;
  /** The whole body, already bounded by the route's `maxBodyBytes`. */
  readonly body: Buffer;
}

export interface HttpResponse {
  status: number;
  headers?: Record<string, string>;
  /** A string or Buffer is sent as is; anything else is JSON-encoded. */
  body?: unknown;
}

export type HttpHandler = (req: HttpRequest) => Promise<HttpResponse> | HttpResponse;

export interface RouteDef {
  method: HttpMethod;
  /** Path template with `:name` parameters; also the metrics label for the route. */
  pattern: string;
  handler: HttpHandler;
  /** Largest accepted body; larger ones are answered 413 before the handler runs. */
  maxBodyBytes?: number;
}
