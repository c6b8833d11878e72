// The MISP feed's operations for the OpenAPI document of /api/v1 (sharing/api/openapi.ts), where
// the feed lives. Paths are relative to /api/v1; `Problem` and `NotVisible` are that document's.
const problem = { $ref: '#/components/responses/Problem' };

export const MISP_OPENAPI_PATHS: Readonly<Record<string, unknown>> = {
  '/misp/manifest.json': {
    get: {
      operationId: 'mispManifest',
      summary: 'MISP feed manifest: one entry per (submission, class) with something the caller may see',
      description:
        'Add `<base>/api/v1/misp/` to MISP as a feed of format "MISP Feed" with the header `Authorization: Bearer <token>`. Events are created by the exchange, one per submission and class, so an event’s distribution and tags (tlp:* where exact, always c4tap:class) are exactly those of every attribute in it; a per-kind submission becomes several events naming the same report in `info`. Numbers are strings as MISP writes them.',
      responses: {
        '200': { description: 'Event UUID → event summary', content: { 'application/json': { schema: { type: 'object' } } } },
        '401': problem,
        '429': problem,
      },
    },
  },
  '/misp/hashes.csv': {
    get: {
      operationId: 'mispHashes',
      summary: 'MD5 of every live attribute value the caller may see, once per value, with the most recently changed event holding it (MISP feed hashes.csv)',
      responses: { '200': { description: '`md5,event-uuid` lines', content: { 'text/csv': { schema: { type: 'string' } } } }, '401': problem, '429': problem },
    },
  },
  '/misp/{file}': {
    get: {
      operationId: 'mispEvent',
      summary: 'One MISP event (`<event-uuid>.json`) with the attributes the caller may see',
      parameters: [
        {
          name: 'file',
          in: 'path',
          required: true,
          description: 'Event UUID followed by `.json`',
          schema: { type: 'string', pattern: '^[0-9a-f-]{36}\\.json$' },
        },
      ],
      responses: {
        '200': {
          description: 'The event',
          content: { 'application/json': { schema: { type: 'object', required: ['Event'], properties: { Event: { type: 'object' } } } } },
        },
        '401': problem,
        '404': { $ref: '#/components/responses/NotVisible' },
        '429': problem,
      },
    },
  },
};
