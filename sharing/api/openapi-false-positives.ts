// The false-positive operations and schemas for the OpenAPI document of /api/v1
// (sharing/api/openapi.ts). `Problem` is that document's.
import { INDICATOR_TYPES } from '../../core/types.ts';

const problem = { $ref: '#/components/responses/Problem' };
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [String(c), problem]));
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ 'application/json': { schema } });
const idParam = { name: 'id', in: 'path', required: true, description: 'Indicator id', schema: { type: 'string' } };

export const FALSE_POSITIVE_OPENAPI_PATHS: Readonly<Record<string, unknown>> = {
  '/false-positives': {
    get: {
      operationId: 'listFalsePositives',
      summary: 'Exchange-level false positives, in indicator id order (secretariat and analysts)',
      parameters: [
        { name: 'after', in: 'query', description: 'Pass `next_after` back to get the next page.', schema: { type: 'string' } },
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
      ],
      responses: {
        '200': {
          description: 'One page',
          content: json({
            type: 'object',
            required: ['items', 'next_after'],
            properties: { items: { type: 'array', items: ref('FalsePositive') }, next_after: { type: ['string', 'null'] } },
          }),
        },
        ...errors(400, 401, 403, 429),
      },
    },
    post: {
      operationId: 'markFalsePositive',
      summary: 'Mark an indicator a false positive for the whole exchange (secretariat and analysts; audited)',
      description:
        'Withholds the indicator from every submission, also ones approved later, and retracts every published source of it at the class it was published under, so every surface (JSON, CSV, STIX, TAXII, MISP, digests) learns it is withdrawn. Marking again keeps the first entry (200).',
      requestBody: { required: true, content: json(ref('FalsePositiveMark')) },
      responses: {
        '201': { description: 'Marked', content: json(ref('FalsePositiveMarked')) },
        '200': { description: 'Was marked already; retractions left undone were completed', content: json(ref('FalsePositiveMarked')) },
        ...errors(400, 401, 403, 404, 429),
      },
    },
  },
  '/false-positives/{id}': {
    get: {
      operationId: 'getFalsePositive',
      summary: 'The exchange-level false-positive entry of an indicator (secretariat and analysts)',
      parameters: [idParam],
      responses: { '200': { description: 'The entry', content: json(ref('FalsePositive')) }, ...errors(401, 403, 404, 429) },
    },
    delete: {
      operationId: 'unmarkFalsePositive',
      summary: 'Remove the exchange-level false-positive entry (secretariat and analysts; audited)',
      description:
        'Nothing is republished at once: each source is published again when its submission is approved again (`republish_on_approve` lists the published submissions that carry it).',
      parameters: [idParam],
      requestBody: {
        required: false,
        content: json({ type: 'object', additionalProperties: false, properties: { reason: { type: 'string', maxLength: 2000 } } }),
      },
      responses: {
        '200': {
          description: 'Removed',
          content: json({
            allOf: [ref('FalsePositive'), { type: 'object', properties: { republish_on_approve: { type: 'array', items: { type: 'string' } } } }],
          }),
        },
        ...errors(400, 401, 403, 404, 429),
      },
    },
  },
};

export const FALSE_POSITIVE_SCHEMAS: Readonly<Record<string, unknown>> = {
  FalsePositive: {
    type: 'object',
    required: ['indicator_id', 'type', 'value', 'marked_by', 'marked_at', 'reason'],
    properties: {
      indicator_id: { type: 'string' },
      type: { type: 'string', enum: INDICATOR_TYPES },
      value: { type: 'string' },
      marked_by: { type: 'string', description: 'Principal id' },
      marked_at: { type: 'string', format: 'date-time' },
      reason: { type: 'string' },
    },
  },
  FalsePositiveMark: {
    type: 'object',
    additionalProperties: false,
    required: ['reason'],
    description: 'Name the indicator by `indicator_id`, or by `type` and `value` in the normal form the API shows.',
    properties: {
      indicator_id: { type: 'string' },
      type: { type: 'string', enum: INDICATOR_TYPES },
      value: { type: 'string' },
      reason: { type: 'string', minLength: 1, maxLength: 2000 },
    },
  },
  FalsePositiveMarked: {
    allOf: [
      ref('FalsePositive'),
      {
        type: 'object',
        properties: {
          created: { type: 'boolean' },
          retracted: {
            type: 'array',
            items: { type: 'object', properties: { seq: { type: 'integer' }, class: { type: 'string' }, kind: { type: 'string' } } },
          },
        },
      },
    ],
  },
};
