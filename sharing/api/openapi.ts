// The OpenAPI 3.1 description of REST API v1, served at /api/v1/openapi.json. A test compares
// its operations with the routes the router really registers, both ways.
import { CLASSES, INDICATOR_TYPES, KINDS, SUBMISSION_STATUSES } from '../../core/types.ts';
import type { ApiLimits } from './deps.ts';
import { MISP_OPENAPI_PATHS } from '../misp/openapi.ts';
import { FALSE_POSITIVE_OPENAPI_PATHS, FALSE_POSITIVE_SCHEMAS } from './openapi-false-positives.ts';
import { TRIAGE_OPENAPI_PATHS, TRIAGE_SCHEMAS } from './openapi-triage.ts';
import { CAMPAIGN_OPENAPI_PATHS, CAMPAIGN_SCHEMAS } from './openapi-campaigns.ts';

const problem = { $ref: '#/components/responses/Problem' };
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [String(c), problem]));
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ 'application/json': { schema } });
const idParam = (description: string) => ({ name: 'id', in: 'path', required: true, description, schema: { type: 'string' } });
const formatParam = {
  name: 'format',
  in: 'query',
  description:
    'Representation; overrides the Accept header. `stix` is a STIX 2.1 bundle (application/stix+json;version=2.1) of the same indicators, each marked with its class (TLP 2.0 where exact, and a C4TAP marking).',
  schema: { type: 'string', enum: ['json', 'csv', 'stix'] },
};
const excelParam = {
  name: 'excel',
  in: 'query',
  description:
    'CSV for a spreadsheet (e.g. Excel on Japanese Windows): `1` answers CSV with a UTF-8 BOM and cells starting with =, +, -, @, tab or CR (or their full-width forms) prefixed with a single quote and quoted, as OWASP recommends against formula injection. Without it CSV is RFC 4180 with the raw values (every cell with CR, LF, a comma or a quote quoted), for blocklist importers; JSON always carries the raw value. Only with `format=csv` or no format.',
  schema: { type: 'string', enum: ['0', '1'], default: '0' },
};
const csvBody = {
  'text/csv': { schema: { type: 'string', description: 'RFC 4180, CRLF records, header row; with excel=1 a UTF-8 BOM and formula-leading cells escaped' } },
};
const stixBundle = { 'application/stix+json;version=2.1': { schema: { type: 'object', description: 'STIX 2.1 bundle' } } };
const csvListOf = (values: readonly string[], description: string) => ({
  description: `${description} Comma-separated or repeated.`,
  schema: { type: 'array', items: { type: 'string', enum: values } },
  style: 'form',
  explode: false,
});

export function openApiDocument(limits: Pick<ApiLimits, 'defaultPageSize' | 'maxPageSize'>): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'C4TAP REST API',
      version: '1',
      description:
        "Indicators shared by the exchange, filtered by the sharing class rules for the caller; the submitting organisation's own submissions; sightings. Errors are RFC 9457 problem details with a stable `code`. The same indicators are served by TAXII 2.1 at /taxii2/ (same tokens) and, for WHITE, without a token at /public/v1/indicators.json and .stix.",
    },
    servers: [{ url: '/api/v1' }],
    security: [{ bearer: [] }],
    paths: {
      '/health': {
        get: {
          operationId: 'health',
          summary: 'Liveness and the backends in use',
          security: [],
          responses: { '200': { description: 'Alive', content: json({ type: 'object', properties: { status: { const: 'ok' } }, required: ['status'] }) } },
        },
      },
      '/openapi.json': {
        get: {
          operationId: 'openapi',
          summary: 'This document',
          security: [],
          responses: { '200': { description: 'OpenAPI 3.1 document', content: json({ type: 'object' }) } },
        },
      },
      '/indicators': {
        get: {
          operationId: 'listIndicators',
          summary: 'Pull published indicators incrementally',
          description:
            'Entries of the publication log after `since` that the caller may see, one item per indicator with its figures computed from the sources the caller may see. Pass `next_since` (also in the `C4TAP-Next-Since` header) back as `since`; `more` says whether to ask again at once.',
          parameters: [
            {
              name: 'since',
              in: 'query',
              description: 'Cursor: publication seq already read (0 for the start).',
              schema: { type: 'integer', minimum: 0, default: 0 },
            },
            {
              name: 'limit',
              in: 'query',
              description: 'Log entries per page.',
              schema: { type: 'integer', minimum: 1, maximum: limits.maxPageSize, default: limits.defaultPageSize },
            },
            { name: 'type', in: 'query', ...csvListOf(INDICATOR_TYPES, 'Only indicators of these types.') },
            { name: 'class', in: 'query', ...csvListOf(CLASSES, 'Only entries published at these classes.') },
            { name: 'updated_after', in: 'query', description: 'Only entries published after this time.', schema: { type: 'string', format: 'date-time' } },
            formatParam,
            excelParam,
          ],
          responses: {
            '200': {
              description: 'A page of indicators',
              headers: {
                'C4TAP-Next-Since': { description: 'Cursor for the next page', schema: { type: 'integer' } },
                'C4TAP-More': { description: 'More entries follow at once', schema: { type: 'boolean' } },
              },
              content: { ...json(ref('IndicatorPage')), ...csvBody, ...stixBundle },
            },
            ...errors(400, 401, 406, 429),
          },
        },
      },
      '/indicators/{id}': {
        get: {
          operationId: 'getIndicator',
          summary: 'One indicator as the caller may see it',
          parameters: [idParam('Indicator id'), formatParam, excelParam],
          responses: {
            '200': { description: 'The indicator', content: { ...json(ref('Indicator')), ...csvBody, ...stixBundle } },
            ...errors(400, 401, 406, 429),
            '404': { $ref: '#/components/responses/NotVisible' },
          },
        },
      },
      '/submissions': {
        get: {
          operationId: 'listSubmissions',
          summary: "Submissions of the caller's organisation (all of them for the secretariat and analysts), newest first",
          parameters: [
            { name: 'status', in: 'query', ...csvListOf(SUBMISSION_STATUSES, 'Only submissions in these states.') },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 } },
            { name: 'cursor', in: 'query', description: '`next_cursor` of the previous page.', schema: { type: 'string' } },
          ],
          responses: { '200': { description: 'A page of submissions', content: json(ref('SubmissionPage')) }, ...errors(400, 401, 429) },
        },
      },
      '/submissions/{id}': {
        get: {
          operationId: 'getSubmission',
          summary: 'One submission with its results at RED level (its own organisation, secretariat, analysts; audited)',
          parameters: [idParam('Submission id')],
          responses: {
            '200': { description: 'The submission', content: json(ref('SubmissionDetail')) },
            ...errors(400, 401, 429),
            '404': { $ref: '#/components/responses/NotVisible' },
          },
        },
      },
      ...TRIAGE_OPENAPI_PATHS,
      ...CAMPAIGN_OPENAPI_PATHS,
      '/sightings': {
        post: {
          operationId: 'reportSighting',
          summary: "Report that the caller's organisation saw an indicator (participants; counted, never attributed)",
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              description: 'A retried report with the same key is counted once.',
              schema: { type: 'string', maxLength: 200 },
            },
          ],
          requestBody: { required: true, content: json(ref('SightingReport')) },
          responses: {
            '201': { description: 'Counted', content: json(ref('SightingReceipt')) },
            '200': { description: 'Already counted under this Idempotency-Key', content: json(ref('SightingReceipt')) },
            ...errors(400, 401, 403, 429),
            '404': { $ref: '#/components/responses/NotVisible' },
          },
        },
      },
      ...FALSE_POSITIVE_OPENAPI_PATHS,
      ...MISP_OPENAPI_PATHS,
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      responses: {
        Problem: { description: 'Problem details (RFC 9457)', content: { 'application/problem+json': { schema: ref('Problem') } } },
        NotVisible: {
          description: 'Does not exist, or the caller may not see it (never 403)',
          content: { 'application/problem+json': { schema: ref('Problem') } },
        },
      },
      schemas: {
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'code'],
          properties: {
            type: { type: 'string', format: 'uri' },
            title: { type: 'string' },
            status: { type: 'integer' },
            code: { type: 'string', description: 'Stable error code (core/errors.ts)' },
            detail: { type: 'string' },
          },
        },
        Indicator: {
          type: 'object',
          required: ['id', 'type', 'value', 'class', 'kinds', 'first_seen', 'last_seen', 'submissions', 'sectors', 'sightings', 'false_positive'],
          properties: {
            id: { type: 'string' },
            type: { type: 'string', enum: INDICATOR_TYPES },
            value: { type: 'string' },
            class: { type: 'string', enum: CLASSES, description: 'Widest class among the sources the caller may see' },
            kinds: { type: 'array', items: { type: 'string', enum: KINDS } },
            first_seen: { type: 'string', format: 'date-time' },
            last_seen: { type: 'string', format: 'date-time' },
            submissions: { type: 'integer', description: 'Submissions the caller may see that carry it' },
            sectors: {
              type: 'array',
              items: { type: 'string' },
              description:
                "Sectors of the organisations behind the sources the caller may see, each named only when at least `sharing.minOrgsPerSector` (default 3) other organisations of that sector are among them; `withheld` (last) stands for the others. The caller's own sector is named; the secretariat and analysts see every sector.",
            },
            sightings: { type: 'integer', description: 'Sightings the caller may see' },
            false_positive: { type: 'boolean', description: 'Every source the caller may see was retracted' },
          },
        },
        IndicatorPageItem: {
          allOf: [
            ref('Indicator'),
            {
              type: 'object',
              required: ['seq', 'action', 'published_at'],
              properties: {
                seq: { type: 'integer' },
                action: { type: 'string', enum: ['publish', 'retract'] },
                published_at: { type: 'string', format: 'date-time' },
              },
            },
          ],
        },
        IndicatorPage: {
          type: 'object',
          required: ['items', 'next_since', 'more'],
          properties: { items: { type: 'array', items: ref('IndicatorPageItem') }, next_since: { type: 'integer' }, more: { type: 'boolean' } },
        },
        ClassByKind: { type: 'object', properties: Object.fromEntries(KINDS.map((k) => [k, { type: 'string', enum: CLASSES }])) },
        SubmissionSummary: {
          type: 'object',
          required: ['id', 'status', 'received_at', 'updated_at', 'classes'],
          properties: {
            id: { type: 'string' },
            status: { type: 'string', enum: SUBMISSION_STATUSES },
            received_at: { type: 'string', format: 'date-time' },
            updated_at: { type: 'string', format: 'date-time' },
            classes: ref('ClassByKind'),
            verdict: { type: ['string', 'null'] },
          },
        },
        SubmissionPage: {
          type: 'object',
          required: ['items', 'next_cursor'],
          properties: { items: { type: 'array', items: ref('SubmissionSummary') }, next_cursor: { type: ['string', 'null'] } },
        },
        SubmissionDetail: {
          allOf: [
            ref('SubmissionSummary'),
            {
              type: 'object',
              properties: {
                class_decisions: { type: 'array', items: { type: 'object' } },
                subject: { type: ['string', 'null'] },
                campaign: { type: ['string', 'null'] },
                indicators: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: {
                      id: { type: 'string' },
                      type: { type: 'string', enum: INDICATOR_TYPES },
                      value: { type: 'string' },
                      kind: { type: 'string', enum: KINDS },
                      class: { type: 'string', enum: CLASSES },
                      seen_at: { type: 'string', format: 'date-time' },
                      false_positive: { type: 'boolean' },
                      warning_lists: { type: 'array', items: { type: 'string' } },
                      publication: { type: ['string', 'null'], enum: ['publish', 'retract', null] },
                    },
                  },
                },
              },
            },
          ],
        },
        PublicationResult: {
          type: 'object',
          properties: {
            submission_id: { type: 'string' },
            status: { type: 'string', enum: SUBMISSION_STATUSES },
            published: { type: 'integer' },
            withheld: {
              type: 'array',
              items: {
                type: 'object',
                properties: { indicator_id: { type: 'string' }, reason: { type: 'string', enum: ['false-positive', 'warning-listed'] } },
              },
            },
            entries: {
              type: 'array',
              items: {
                type: 'object',
                properties: { seq: { type: 'integer' }, action: { type: 'string' }, indicator_id: { type: 'string' }, class: { type: 'string' } },
              },
            },
          },
        },
        SightingReport: {
          type: 'object',
          additionalProperties: false,
          description: 'Name the indicator by `indicator_id`, or by `type` and `value`.',
          properties: {
            indicator_id: { type: 'string' },
            type: { type: 'string', enum: INDICATOR_TYPES },
            value: { type: 'string' },
            count: { type: 'integer', minimum: 1, default: 1 },
            seen_at: { type: 'string', format: 'date-time' },
            class: { type: 'string', enum: CLASSES, description: 'Audience of the sighting; never wider than the indicator as the caller sees it' },
          },
        },
        SightingReceipt: {
          type: 'object',
          properties: { indicator_id: { type: 'string' }, class: { type: 'string', enum: CLASSES }, count: { type: 'integer' }, counted: { const: true } },
        },
        ...FALSE_POSITIVE_SCHEMAS,
        ...TRIAGE_SCHEMAS,
        ...CAMPAIGN_SCHEMAS,
      },
    },
  };
}
