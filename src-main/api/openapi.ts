import { z } from 'zod';
import { apiErrorSchema, HTTP_STATUS_OF } from '../../src-shared/api-errors.js';
import { CHANNEL_NAMES, contract, type ChannelSpec, type PushEventName, pushEvents } from '../../src-shared/contract.js';

type JsonSchema = Record<string, unknown>;

/** zod to JSON Schema for OpenAPI 3.1; refinements (which JSON Schema cannot say) are left to the server. */
const jsonSchemaOf = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  return rest;
};

const pathParameters = (path: string): string[] => [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] as string);

function operationOf(name: string, spec: ChannelSpec): JsonSchema {
  const input = jsonSchemaOf(spec.input, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  const inPath = pathParameters(spec.route.path);
  const properties = Object.entries(input.properties ?? {});
  const parameters = [
    ...inPath.map((parameter) => ({ name: parameter, in: 'path', required: true, schema: { type: 'string' } })),
    ...(spec.route.method === 'GET' || spec.route.method === 'DELETE'
      ? properties.filter(([key]) => !inPath.includes(key)).map(([key, schema]) => ({ name: key, in: 'query', required: input.required?.includes(key) ?? false, schema }))
      : []),
  ];
  const bodyProperties = Object.fromEntries(properties.filter(([key]) => !inPath.includes(key)));
  const status = spec.route.status ?? 200;
  const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
  return {
    operationId: name.replace(':', '_'),
    summary: spec.summary,
    tags: [name.split(':')[0]],
    ...(spec.access !== 'public' ? { security: [{ bearer: [] }, { apiKey: [] }] } : { security: [] }),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(spec.route.method === 'POST' || spec.route.method === 'PUT'
      ? { requestBody: { required: true, content: { 'application/json': { schema: { ...input, properties: bodyProperties, required: (input.required ?? []).filter((key) => !inPath.includes(key)) } } } } }
      : {}),
    responses: {
      [status]: status === 204 ? { description: 'done' } : { description: 'success', content: { 'application/json': { schema: jsonSchemaOf(spec.output, 'output') } } },
      400: errorResponse('malformed JSON (E_VALIDATION)'),
      ...(spec.access !== 'public' ? { 401: errorResponse('no valid access token or API key (E_UNAUTHORIZED)') } : {}),
      403: errorResponse(spec.access === 'local'
        ? 'only the owner (this OS user\'s own profile) may call it (E_FORBIDDEN)'
        : 'a folder outside the ones this account may use, or a request not addressed to this server (E_FORBIDDEN)'),
      421: errorResponse('the Host header is not a name of this server (E_FORBIDDEN): see fileorg serve --allow-host'),
      ...(inPath.length > 0 ? { 404: errorResponse('no such id among yours (E_NOT_FOUND)') } : {}),
      413: errorResponse('body too large (E_VALIDATION)'),
      422: errorResponse('the input breaks the schema (E_VALIDATION); details.issues says where'),
      429: errorResponse('too many requests or failed logins (E_RATE_LIMITED); see Retry-After'),
      503: errorResponse('the server\'s data folder cannot be used: read-only, damaged or its disk full (E_IO, details.reason E_DATA_FOLDER); the message names the folder and what to do'),
    },
  };
}

/** `operations:progress` → `OperationsProgressEvent`: a push event's payload schema among the components. */
const eventSchemaName = (name: PushEventName): string => `${name.split(':').map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('')}Event`;
const PUSH_EVENT_NAMES = Object.keys(pushEvents) as PushEventName[];

/** How both WebSockets authenticate, and when they close for it. */
const SOCKET_AUTH = 'Authenticate with the Authorization header, the subprotocols ["fileorg.bearer", TOKEN], or a first message {"type":"auth","token":TOKEN} within 10 s. '
  + 'A missing or refused credential, or one that ends while the socket is open (logout, a revoked API key, an expired token: it is checked again then and every minute), '
  + 'gets a last message {"type":"error","code":"E_UNAUTHORIZED","message":…} and the close code 4401.';

/** The OpenAPI 3.1 document of the HTTP API, made from the contract (served at /openapi.json, shown at /docs). */
export function openApiDocument(version: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const name of CHANNEL_NAMES) {
    const spec: ChannelSpec = contract[name];
    (paths[spec.route.path] ??= {})[spec.route.method.toLowerCase()] = operationOf(name, spec);
  }
  paths['/ws/operations/{id}'] = {
    get: {
      operationId: 'operations_follow',
      summary: 'WebSocket: an operation\'s progress events, then its result (then the socket closes with 1000)',
      description: `Another user's operation, or one that does not exist, closes with 4404. ${SOCKET_AUTH}`,
      tags: ['operations'],
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      responses: {
        101: { description: 'switching to the WebSocket protocol' },
        426: { description: 'not a WebSocket upgrade (E_VALIDATION)', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
    },
  };
  paths['/ws/events'] = {
    get: {
      operationId: 'events_follow',
      summary: 'WebSocket: every push event of the caller, whoever started the run (this server, the app, the CLI on this data folder)',
      description: `Each message is {"event": NAME, "data": PAYLOAD}, NAME one of ${PUSH_EVENT_NAMES.join(', ')}; its payload names its subject `
        + `(operation_id or search_id), as the schema EventMessage says. The socket stays open until the client closes it. ${SOCKET_AUTH}`,
      tags: ['events'],
      responses: {
        101: { description: 'switching to the WebSocket protocol; then messages as EventMessage', content: { 'application/json': { schema: { $ref: '#/components/schemas/EventMessage' } } } },
        426: { description: 'not a WebSocket upgrade (E_VALIDATION)', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
    },
  };
  const eventSchemas = Object.fromEntries(PUSH_EVENT_NAMES.map((name) => [eventSchemaName(name), jsonSchemaOf(pushEvents[name], 'output')]));
  const eventMessage = {
    oneOf: PUSH_EVENT_NAMES.map((name) => ({
      type: 'object', required: ['event', 'data'], additionalProperties: false,
      properties: { event: { const: name }, data: { $ref: `#/components/schemas/${eventSchemaName(name)}` } },
    })),
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'FileOrganizer local API', version,
      description: `Loopback API of fileorg serve. Errors are always ${JSON.stringify({ code: 'E_…', message: '…', details: {} })}; statuses: ${Object.entries(HTTP_STATUS_OF).map(([code, status]) => `${code} ${status}`).join(', ')}, and E_IO 503 when the server's own data folder cannot be used (details.reason E_DATA_FOLDER).`,
    },
    paths,
    components: {
      schemas: { Error: jsonSchemaOf(apiErrorSchema, 'output'), ...eventSchemas, EventMessage: eventMessage },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'an access token from /api/v1/auth/login, or an API key (fo_…)' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      },
    },
  };
}
