import { apiErrorSchema } from '../../src-shared/api-errors.js';
import { sessionSchema } from '../../src-shared/api/auth.js';
import { type ChannelName, type ChannelOutput, contract, type PushEvent, type PushEventName, pushEvents } from '../../src-shared/contract.js';
import { type CallInput, type Client, ClientError } from './client.js';
import { tokens, withRefreshLock } from './tokens.js';

const NOT_ANSWERING = 'FileOrganizer is not answering. Is `fileorg serve` still running? Start it again, then reload this page.';
/** The subprotocol a browser's WebSocket names first; its token is the second (see the API's socket-auth.ts). */
const SOCKET_AUTH_PROTOCOL = 'fileorg.bearer';
/** Channels that never carry the caller's token, and are not retried after a refresh. */
const TOKENLESS: ReadonlySet<ChannelName> = new Set<ChannelName>(['auth:login', 'auth:signup', 'auth:refresh', 'auth:linkSession', 'system:status', 'system:health']);

type Listener = (data: unknown) => void;

/** The route's path with its `{name}` parameters filled in, and the input's other fields as query or body. */
function requestOf(name: ChannelName, input: Record<string, unknown>): { url: string; init: RequestInit } {
  const { method, path } = contract[name].route;
  const rest: Record<string, unknown> = { ...input };
  const filled = path.replace(/\{(\w+)\}/g, (_match, key: string) => {
    const value = rest[key];
    delete rest[key];
    return encodeURIComponent(String(value ?? ''));
  });
  if (method === 'GET' || method === 'DELETE') {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(rest)) if (value !== undefined && value !== null) query.set(key, String(value));
    const text = query.toString();
    return { url: text ? `${filled}?${text}` : filled, init: { method } };
  }
  return { url: filled, init: { method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(rest) } };
}

async function errorOf(response: Response): Promise<ClientError> {
  const parsed = apiErrorSchema.safeParse(await response.json().catch(() => null));
  if (parsed.success) return new ClientError(parsed.data.code, parsed.data.message, response.status, parsed.data.details);
  return new ClientError('E_INTERNAL', `FileOrganizer answered ${response.status} ${response.statusText}; try again`, response.status);
}

/**
 * The client over `fileorg serve`: each channel is its contract route on this page's own origin, and push events
 * come over one WebSocket (/ws/events) opened while anyone listens. An expired access token is renewed with the
 * refresh token once, and the call repeated; a refused refresh signs the window out (`onSignedOut`).
 */
export function createHttpClient(options: { onSignedOut: () => void }): Client {
  let refreshing: Promise<boolean> | null = null;

  const refresh = (): Promise<boolean> => {
    refreshing ??= withRefreshLock(async () => {
      // Read inside the lock: another tab may have just renewed the kept token.
      const refreshToken = tokens.refresh();
      if (refreshToken === null) return false;
      try {
        const response = await fetch(contract['auth:refresh'].route.path, {
          method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ refresh_token: refreshToken }),
        });
        if (!response.ok) {
          if (response.status === 401) { tokens.clear(); options.onSignedOut(); }
          return false;
        }
        tokens.set(sessionSchema.parse(await response.json()));
        return true;
      } catch {
        return false;
      }
    }).finally(() => { refreshing = null; });
    return refreshing;
  };

  async function send(name: ChannelName, input: Record<string, unknown>, retried: boolean): Promise<unknown> {
    const { url, init } = requestOf(name, input);
    const headers = new Headers(init.headers);
    const access = tokens.access();
    if (access !== null && !TOKENLESS.has(name)) headers.set('Authorization', `Bearer ${access}`);
    let response: Response;
    try {
      response = await fetch(url, { ...init, headers });
    } catch {
      throw new ClientError('E_NETWORK', NOT_ANSWERING, 0);
    }
    if (response.status === 401 && !TOKENLESS.has(name) && !retried && (await refresh())) return send(name, input, true);
    if (!response.ok) throw await errorOf(response);
    if (response.status === 204) return null;
    return response.json();
  }

  // Push events: one socket, opened while someone listens and a token is held, reopened after a drop.
  const listeners = new Map<PushEventName, Set<Listener>>();
  const connectedListeners = new Set<() => void>();
  let socket: WebSocket | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;

  const wanted = (): boolean => tokens.access() !== null && [...listeners.values()].some((set) => set.size > 0);
  const closeSocket = (): void => {
    clearTimeout(retryTimer);
    if (socket) { socket.onclose = null; socket.close(1000); socket = null; }
  };
  const connect = (): void => {
    closeSocket();
    const access = tokens.access();
    if (!wanted() || access === null) return;
    const url = `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/ws/events`;
    const opened = new WebSocket(url, [SOCKET_AUTH_PROTOCOL, access]);
    socket = opened;
    opened.onopen = () => {
      failures = 0;
      // Events sent before the socket was open, or while it was down, are gone: followers read the state again.
      for (const listener of connectedListeners) listener();
    };
    opened.onmessage = (message) => {
      let parsed: unknown;
      try { parsed = JSON.parse(String(message.data)); } catch { return; }
      const { event, data } = (parsed ?? {}) as { event?: unknown; data?: unknown };
      if (typeof event !== 'string' || !(event in pushEvents)) return;
      const name = event as PushEventName;
      const payload = pushEvents[name].safeParse(data);
      if (!payload.success) return;
      for (const listener of listeners.get(name) ?? []) listener(payload.data);
    };
    opened.onclose = (closed) => {
      socket = null;
      failures += 1;
      const wait = Math.min(10_000, 500 * 2 ** Math.min(failures, 5));
      // 4401: the credential ended (expired, signed out elsewhere): renew it, then reconnect.
      if (closed.code === 4401) void refresh().then((renewed) => { if (renewed) connect(); });
      else retryTimer = setTimeout(connect, wait);
    };
  };
  tokens.subscribe(() => { if (tokens.access() === null) closeSocket(); else connect(); });

  return {
    home: 'browser',
    desktop: null,
    call: <Name extends ChannelName>(name: Name, input: CallInput<Name>) => send(name, input as Record<string, unknown>, false) as Promise<ChannelOutput<Name>>,
    on<Event extends PushEventName>(event: Event, listener: (data: PushEvent<Event>) => void): () => void {
      const set = listeners.get(event) ?? new Set<Listener>();
      listeners.set(event, set);
      set.add(listener as Listener);
      if (socket === null) connect();
      return () => {
        set.delete(listener as Listener);
        if (!wanted()) closeSocket();
      };
    },
    onConnected(listener: () => void): () => void {
      connectedListeners.add(listener);
      return () => connectedListeners.delete(listener);
    },
  };
}
