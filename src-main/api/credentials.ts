/**
 * The credential a request carries: `Authorization: Bearer <access token or API key>` or `X-API-Key: fo_…`.
 * Undefined when there is none; a malformed Authorization header is treated as none (and so answered 401).
 */
export function credentialOf(headers: Record<string, string | string[] | undefined>): string | undefined {
  const single = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);
  const authorization = single(headers.authorization);
  const bearer = authorization === undefined ? undefined : /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
  return bearer ?? single(headers['x-api-key'])?.trim() ?? undefined;
}

/** Subprotocols a browser WebSocket can send: ["fileorg.bearer", TOKEN]. */
export const WEBSOCKET_AUTH_PROTOCOL = 'fileorg.bearer';
export function credentialOfProtocols(protocols: Iterable<string>): string | undefined {
  const list = [...protocols];
  const at = list.indexOf(WEBSOCKET_AUTH_PROTOCOL);
  return at >= 0 ? list[at + 1] : undefined;
}

/** A WebSocket upgrade's credential: the Authorization (or X-API-Key) header, else the subprotocols. */
export function socketCredentialOf(headers: Record<string, string | string[] | undefined>): string | undefined {
  const protocols = String(headers['sec-websocket-protocol'] ?? '').split(',').map((part) => part.trim());
  return credentialOf(headers) ?? credentialOfProtocols(protocols);
}
