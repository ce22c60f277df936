import os from 'node:os';
import { type ApiError } from '../../src-shared/api-errors.js';

/**
 * Which requests the server answers at all, decided before any route, WebSockets included.
 *
 * DNS rebinding: a web page at evil.example can make its own name resolve to 127.0.0.1, and the browser then
 * sends it our port with `Host: evil.example:PORT` and treats the answers as same-origin. The one thing such a
 * request cannot fake is the Host header, so only the names this server is known by are served: the address
 * it listens on, localhost, 127.0.0.1 and [::1] with its port, and names the owner gave (`--allow-host`).
 *
 * A browser page on another origin (a foreign `Origin` header) is refused too unless CORS_ORIGINS lists it: a
 * WebSocket is not bound by CORS, so without this any page could open one to us.
 */
export interface RequestGuardOptions {
  /** the address the server listens on, as given to listen() */
  listenHost: string;
  /** the port it listens on, known once it does (port 0 picks one) */
  port(): number;
  /** more host names to answer to (`fileorg serve --allow-host NAME`) */
  allowHosts?: readonly string[];
  /** browser origins allowed to call (CORS_ORIGINS) */
  corsOrigins?: readonly string[];
}

export type GuardVerdict = { ok: true } | { ok: false; status: 421 | 403; body: ApiError };

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/** `::1` -> `[::1]`: how an IPv6 address appears in a Host header. */
const asHostName = (address: string): string => (address.includes(':') && !address.startsWith('[') ? `[${address}]` : address).toLowerCase();

/** Listening on every address: the machine's own addresses are names it is reached by. */
function ownAddresses(): string[] {
  return Object.values(os.networkInterfaces()).flatMap((list) => (list ?? []).map((entry) => asHostName(entry.address)));
}

export interface GuardedRequest {
  host?: string | undefined;
  origin?: string | undefined;
  /** the request target as sent: "/path", or absolute-form "http://name/path" (whose name then counts too) */
  target: string;
  /** how many Host headers came (Node keeps the first of several) */
  hosts: number;
}

export function createRequestGuard(options: RequestGuardOptions): (request: GuardedRequest) => GuardVerdict {
  const wildcard = ['0.0.0.0', '::', '[::]'].includes(options.listenHost);
  const names = new Set([...LOOPBACK_NAMES, asHostName(options.listenHost), ...(options.allowHosts ?? []).map(asHostName), ...(wildcard ? ownAddresses() : [])]);
  const cors = new Set(options.corsOrigins ?? []);

  /** The Host values we answer to: each name with our port (and bare, on port 80, as browsers send it). */
  const isOwnHost = (host: string): boolean => {
    const port = options.port();
    const match = /^(\[[0-9a-f:.]+\]|[^:]+)(?::(\d+))?$/i.exec(host.trim().toLowerCase());
    if (!match) return false;
    const [, name, givenPort] = match;
    const samePort = givenPort === undefined ? port === 80 : Number(givenPort) === port;
    return samePort && names.has(name as string);
  };

  /** An absolute-form target names the server too, and by the standard it wins over Host. */
  const targetHost = (target: string): string | undefined => {
    if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) return undefined;
    try { return new URL(target).host; } catch { return ''; }
  };

  return (request) => {
    const host = request.hosts > 1 ? undefined : targetHost(request.target) ?? request.host;
    if (host === undefined || !isOwnHost(host)) {
      const shown = request.hosts > 1 ? 'more than one Host header' : host === undefined ? 'no Host header' : `Host "${host.slice(0, 100)}"`;
      return {
        ok: false, status: 421,
        body: {
          code: 'E_FORBIDDEN',
          message: `this server answers only requests addressed to it (http://${asHostName(options.listenHost)}:${options.port()}, localhost or [::1]); this one had ${shown}. If you reach it by another name, start it with fileorg serve --allow-host NAME`,
        },
      };
    }
    const origin = request.origin;
    if (origin !== undefined && !cors.has(origin)) {
      let ownOrigin = false;
      try {
        const url = new URL(origin);
        ownOrigin = url.protocol === 'http:' && isOwnHost(url.host);
      } catch { /* "null" or garbage: not ours */ }
      if (!ownOrigin) {
        return {
          ok: false, status: 403,
          body: { code: 'E_FORBIDDEN', message: `requests from the web page at ${origin.slice(0, 100)} are refused; to let a page call this API, list its origin in CORS_ORIGINS when starting fileorg serve` },
        };
      }
    }
    return { ok: true };
  };
}
