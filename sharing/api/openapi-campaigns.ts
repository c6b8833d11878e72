// The campaign operations and schemas for the OpenAPI document of /api/v1 (sharing/api/openapi.ts;
// routes in campaigns.ts). `Problem` and `VictimCheck` are that document's.
import { CLASSES, INDICATOR_TYPES, SUBMISSION_STATUSES, VERDICTS } from '../../core/types.ts';
import { CAMPAIGN_DECISIONS, CAMPAIGN_SORTS } from '../campaigns/index.ts';

const problem = { $ref: '#/components/responses/Problem' };
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [String(c), problem]));
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ 'application/json': { schema } });
const idParam = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'The id of any member submission (the campaign id is its earliest member’s)',
  schema: { type: 'string' },
};
const LABELS = ['mass', 'targeted', 'undetermined'];

export const CAMPAIGN_OPENAPI_PATHS: Readonly<Record<string, unknown>> = {
  '/campaigns': {
    get: {
      operationId: 'listCampaigns',
      summary: 'Campaigns: submissions bound by the same attachment, URL host, or sender with the same subject template (secretariat and analysts)',
      description:
        'Derived from the clustering features analysis records, on every read (nothing stored that could drift). Only features of the last 90 days link submissions; a campaign has at least two members.',
      parameters: [{ name: 'sort', in: 'query', schema: { type: 'string', enum: CAMPAIGN_SORTS, default: 'last-seen' } }],
      responses: {
        '200': { description: 'Campaigns', content: json({ type: 'object', properties: { campaigns: { type: 'array', items: ref('CampaignSummary') } } }) },
        ...errors(400, 401, 403, 429),
      },
    },
  },
  '/campaigns/{id}': {
    get: {
      operationId: 'getCampaign',
      summary: 'One campaign: members, binding evidence, what each reader tier would receive if approved, victim checks to acknowledge',
      parameters: [idParam],
      responses: {
        '200': { description: 'The campaign', content: json(ref('Campaign')) },
        ...errors(400, 401, 403, 429),
        '404': { description: 'No such submission, or it is in no campaign', content: { 'application/problem+json': { schema: ref('Problem') } } },
      },
    },
  },
  '/campaigns/{id}/decision': {
    post: {
      operationId: 'decideCampaign',
      summary:
        'One decision for every member: approve, reject or false positive, each member through the triage state machine (audited per member and once for the campaign)',
      description:
        'approve: each member is approved (acknowledge the victim checks of GET /campaigns/{id} by fingerprint in `acknowledge`; a member with unacknowledged findings is refused VICTIM_CHECK_REQUIRED). reject: each member is rejected with `reason`. false-positive: each member is rejected as a false positive and the indicators two or more members share are marked false positive exchange-wide (retracted from every surface). A member the step is not allowed for (approve after reject: ILLEGAL_TRANSITION) is refused on its own; the others go ahead. `members` limits the decision to the members the caller reviewed; ids that are not members are listed in `not_members`.',
      parameters: [idParam],
      requestBody: {
        required: true,
        content: json({
          type: 'object',
          additionalProperties: false,
          required: ['decision'],
          properties: {
            decision: { type: 'string', enum: CAMPAIGN_DECISIONS },
            reason: { type: 'string', maxLength: 2000, description: 'Required for reject and false-positive' },
            members: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 1000 },
            acknowledge: {
              type: 'array',
              maxItems: 1000,
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['submission_id', 'fingerprint'],
                properties: { submission_id: { type: 'string' }, fingerprint: { type: 'string', pattern: '^[0-9a-f]{64}$' } },
              },
            },
          },
        }),
      },
      responses: {
        '200': { description: 'At least one member took the step; every member’s outcome', content: json(ref('CampaignDecision')) },
        ...errors(400, 401, 403, 429),
        '404': { description: 'No such submission, or it is in no campaign', content: { 'application/problem+json': { schema: ref('Problem') } } },
        '409': {
          description:
            'No member could take the step: problem details with the first refusal’s code (ILLEGAL_TRANSITION, VICTIM_CHECK_REQUIRED, VICTIM_CHECK_CHANGED) and the CampaignDecision fields',
          content: { 'application/problem+json': { schema: { allOf: [ref('Problem'), ref('CampaignDecision')] } } },
        },
      },
    },
  },
};

export const CAMPAIGN_SCHEMAS: Readonly<Record<string, unknown>> = {
  CampaignSummary: {
    type: 'object',
    properties: {
      id: { type: 'string' },
      members: { type: 'integer' },
      organisations: { type: 'integer' },
      sectors: { type: 'integer' },
      first_seen: { type: 'string', format: 'date-time' },
      last_seen: { type: 'string', format: 'date-time' },
      label: { type: 'string', enum: LABELS },
      suggested_verdict: {
        oneOf: [{ type: 'null' }, { type: 'object', properties: { verdict: { type: 'string', enum: VERDICTS }, members: { type: 'integer' } } }],
      },
      statuses: { type: 'object', additionalProperties: { type: 'integer' }, propertyNames: { enum: SUBMISSION_STATUSES } },
      truncated: { type: 'boolean', description: 'A read bound was reached: the campaign may have more members' },
    },
  },
  Campaign: {
    allOf: [
      ref('CampaignSummary'),
      {
        type: 'object',
        properties: {
          member_list: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                submission_id: { type: 'string' },
                org_id: { type: 'string' },
                status: { type: 'string', enum: SUBMISSION_STATUSES },
                received_at: { type: 'string', format: 'date-time' },
                suggested_verdict: { oneOf: [{ type: 'null' }, { type: 'string', enum: VERDICTS }] },
              },
            },
          },
          evidence: {
            type: 'array',
            items: { type: 'object', properties: { type: { type: 'string' }, value: { type: 'string' }, members: { type: 'integer' } } },
          },
          preview: {
            type: 'object',
            properties: {
              approvable: { type: 'array', items: { type: 'string' } },
              withheld: { type: 'integer' },
              tiers: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    tier: { type: 'string', enum: CLASSES, description: 'Readers of this class' },
                    indicators: { type: 'integer' },
                    examples: {
                      type: 'array',
                      items: { type: 'object', properties: { type: { type: 'string', enum: INDICATOR_TYPES }, value: { type: 'string' } } },
                    },
                  },
                },
              },
            },
          },
          victim_checks: {
            type: 'array',
            items: {
              type: 'object',
              properties: { submission_id: { type: 'string' }, fingerprint: { type: 'string' }, findings: { type: 'array', items: { type: 'object' } } },
            },
          },
        },
      },
    ],
  },
  CampaignDecision: {
    type: 'object',
    properties: {
      campaign_id: { type: 'string' },
      decision: { type: 'string', enum: CAMPAIGN_DECISIONS },
      done: { type: 'integer' },
      refused: { type: 'integer' },
      members: {
        type: 'array',
        items: {
          type: 'object',
          required: ['submission_id', 'outcome'],
          properties: {
            submission_id: { type: 'string' },
            outcome: { type: 'string', enum: ['done', 'refused'] },
            code: { type: 'string', description: 'The refusal’s stable code (sharing/triage/refusals.ts)' },
            detail: { type: 'string' },
          },
        },
      },
      not_members: { type: 'array', items: { type: 'string' } },
      false_positives: { type: 'array', items: { type: 'string' }, description: 'Indicator ids marked false positive exchange-wide' },
    },
  },
};
