// The triage operations and schemas for the OpenAPI document of /api/v1 (sharing/api/openapi.ts;
// routes in triage.ts). `Problem`, `NotVisible` and `PublicationResult` are that document's.
import { CLASSES, KINDS, SUBMISSION_STATUSES } from '../../core/types.ts';

const problem = { $ref: '#/components/responses/Problem' };
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [String(c), problem]));
const notVisible = { '404': { $ref: '#/components/responses/NotVisible' } };
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ 'application/json': { schema } });
const idParam = { name: 'id', in: 'path', required: true, description: 'Submission id', schema: { type: 'string' } };
const refused = (codes: string) => ({
  '409': {
    description: `Refused in the submission's current state; problem details with code ${codes}`,
    content: { 'application/problem+json': { schema: ref('Problem') } },
  },
});
const step = (operationId: string, summary: string, description: string, extra: Record<string, unknown>) => ({
  post: { operationId, summary, description, parameters: [idParam], ...extra },
});

/** Assignment and notes (routes in triage-work.ts). */
const TRIAGE_WORK_PATHS: Readonly<Record<string, unknown>> = {
  '/submissions/{id}/assignment': {
    post: {
      operationId: 'assignSubmission',
      summary: 'Take a submission, or hand it to another analyst (secretariat and analysts; audited)',
      description:
        'Without `assignee` the caller takes it ("mine"). Allowed when nobody holds it or the caller does (handing over); the secretariat may reassign any. When another analyst holds it — also when two take it at the same moment and the other was first — 409 ALREADY_ASSIGNED, and nothing changes. The assignee must be an active analyst or secretariat member (400).',
      parameters: [idParam],
      requestBody: {
        required: false,
        content: json({
          type: 'object',
          additionalProperties: false,
          properties: { assignee: { type: 'string', description: 'Principal id; the caller when left out' } },
        }),
      },
      responses: {
        '200': { description: 'Who holds it now', content: json(ref('AssignmentChange')) },
        ...errors(400, 401, 403, 429),
        ...notVisible,
        ...refused('ALREADY_ASSIGNED'),
      },
    },
    delete: {
      operationId: 'releaseSubmission',
      summary: 'Release a submission: nobody holds it afterwards (its holder or the secretariat; audited)',
      description: 'Releasing one nobody holds changes nothing (`changed: false`). Another analyst’s: 409 ALREADY_ASSIGNED.',
      parameters: [idParam],
      responses: {
        '200': { description: 'Released', content: json(ref('AssignmentChange')) },
        ...errors(400, 401, 403, 429),
        ...notVisible,
        ...refused('ALREADY_ASSIGNED'),
      },
    },
  },
  '/submissions/{id}/notes': {
    get: {
      operationId: 'listSubmissionNotes',
      summary: 'The analysts’ internal notes on a submission, newest first (secretariat and analysts; a RED read is audited)',
      description: 'Notes are internal: never published, exported (STIX, TAXII, MISP, CSV) or mailed, and not shown to the submitting organisation (403).',
      parameters: [idParam],
      responses: {
        '200': {
          description: 'The notes',
          content: json({ type: 'object', required: ['items'], properties: { items: { type: 'array', items: ref('SubmissionNote') } } }),
        },
        ...errors(400, 401, 403, 429),
        ...notVisible,
      },
    },
    post: {
      operationId: 'addSubmissionNote',
      summary: 'Add an internal note to a submission (secretariat and analysts; audited)',
      description: 'Plain text of at most 2000 characters (line breaks kept); empty, longer or with control characters: 400 VALIDATION_FAILED.',
      parameters: [idParam],
      requestBody: {
        required: true,
        content: json({ type: 'object', additionalProperties: false, required: ['text'], properties: { text: { type: 'string', maxLength: 2000 } } }),
      },
      responses: {
        '201': { description: 'Added', content: json(ref('SubmissionNote')) },
        ...errors(400, 401, 403, 429),
        ...notVisible,
      },
    },
  },
};

export const TRIAGE_OPENAPI_PATHS: Readonly<Record<string, unknown>> = {
  '/submissions/{id}/approve': step(
    'approveSubmission',
    'Approve and publish a submission (secretariat and analysts; audited)',
    'Allowed from awaiting-triage and published (republishing appends nothing when nothing changed). A rejected submission must be reopened first (409 ILLEGAL_TRANSITION); one still being analysed cannot be approved (409 ILLEGAL_TRANSITION). While something that would be published may name the victim and nobody acknowledged the victim check, 409 VICTIM_CHECK_REQUIRED: see GET …/victim-check.',
    {
      responses: {
        '200': { description: 'Publication result', content: json(ref('PublicationResult')) },
        ...errors(400, 401, 403, 429),
        ...notVisible,
        ...refused('ILLEGAL_TRANSITION or VICTIM_CHECK_REQUIRED'),
      },
    },
  ),
  '/submissions/{id}/reject': step(
    'rejectSubmission',
    'Reject a submission, retracting whatever it published (secretariat and analysts; audited; the submitter is told)',
    'Allowed from awaiting-triage, published and failed.',
    {
      requestBody: {
        required: false,
        content: json({ type: 'object', additionalProperties: false, properties: { reason: { type: 'string', minLength: 1, maxLength: 2000 } } }),
      },
      responses: {
        '200': { description: 'Publication result', content: json(ref('PublicationResult')) },
        ...errors(400, 401, 403, 429),
        ...notVisible,
        ...refused('ILLEGAL_TRANSITION'),
      },
    },
  ),
  '/submissions/{id}/reopen': step(
    'reopenSubmission',
    'Reopen a rejected or published submission for triage (secretariat and analysts; audited)',
    'The status goes back to awaiting-triage and everything the submission published is retracted at once on every surface.',
    {
      requestBody: {
        required: true,
        content: json({
          type: 'object',
          additionalProperties: false,
          required: ['reason'],
          properties: { reason: { type: 'string', minLength: 1, maxLength: 2000 } },
        }),
      },
      responses: {
        '200': {
          description: 'Reopened',
          content: json({
            type: 'object',
            properties: { submission_id: { type: 'string' }, status: { type: 'string', enum: SUBMISSION_STATUSES }, entries: ref('LogEntries') },
          }),
        },
        ...errors(400, 401, 403, 429),
        ...notVisible,
        ...refused('ILLEGAL_TRANSITION'),
      },
    },
  ),
  '/submissions/{id}/victim-check': {
    get: {
      operationId: 'getVictimCheck',
      summary: 'What approval would publish that may name the victim or the submitting organisation (secretariat and analysts)',
      parameters: [idParam],
      responses: {
        '200': { description: 'The findings and their fingerprint', content: json(ref('VictimCheck')) },
        ...errors(400, 401, 403, 429),
        ...notVisible,
      },
    },
  },
  '/submissions/{id}/victim-check/acknowledge': step(
    'acknowledgeVictimCheck',
    'Acknowledge exactly the findings named by `fingerprint` (secretariat and analysts; audited)',
    'Approval then goes ahead. When the findings changed since they were read (a new indicator, a campaign label), 409 VICTIM_CHECK_CHANGED.',
    {
      requestBody: {
        required: true,
        content: json({
          type: 'object',
          additionalProperties: false,
          required: ['fingerprint'],
          properties: { fingerprint: { type: 'string', pattern: '^[0-9a-f]{64}$' } },
        }),
      },
      responses: {
        '200': { description: 'Acknowledged', content: json(ref('VictimCheck')) },
        ...errors(400, 401, 403, 429),
        ...notVisible,
        ...refused('VICTIM_CHECK_CHANGED'),
      },
    },
  ),
  '/submissions/{id}/classes': step(
    'changeSubmissionClasses',
    'Change the class of some kinds of a submission (secretariat, analysts, and the submitting organisation; audited)',
    "Narrowing is always allowed and, on a published submission, retracts at once what the narrower class no longer reaches, on every surface (REST, CSV, STIX, TAXII, MISP, digests): a retract entry at the old class, then the entry at the new class. Widening goes only up to the submitter's choice or recorded consent (else 409 WIDENING_NEEDS_CONSENT; propose it instead). Kinds left out keep their class.",
    {
      requestBody: { required: true, content: json(ref('ClassesByKind')) },
      responses: {
        '200': { description: 'Classes after the change', content: json(ref('ClassChange')) },
        ...errors(400, 401, 403, 429),
        ...notVisible,
        ...refused('WIDENING_NEEDS_CONSENT'),
      },
    },
  ),
  '/submissions/{id}/widening-proposals': step(
    'proposeWidening',
    'Propose a class wider than the submitter agreed to for one kind (secretariat and analysts; audited)',
    'The submitting organisation consents with POST …/widening-proposals/{kind}/consent. A class the submitter already agreed to needs no proposal (400).',
    {
      requestBody: {
        required: true,
        content: json({
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'class'],
          properties: { kind: { type: 'string', enum: KINDS }, class: { type: 'string', enum: CLASSES }, note: { type: 'string', maxLength: 500 } },
        }),
      },
      responses: {
        '201': {
          description: 'Proposed',
          content: json({
            type: 'object',
            properties: {
              kind: { type: 'string', enum: KINDS },
              class: { type: 'string', enum: CLASSES },
              proposed_by: { type: 'string' },
              proposed_at: { type: 'string', format: 'date-time' },
              note: { type: 'string' },
            },
          }),
        },
        ...errors(400, 401, 403, 429),
        ...notVisible,
      },
    },
  ),
  '/submissions/{id}/widening-proposals/{kind}/consent': {
    post: {
      operationId: 'consentToWidening',
      summary: 'The submitting organisation consents to the proposed class for one kind (its own principals, or the staff; audited)',
      description:
        'The consent is recorded and the kind takes the proposed class at once (a published submission publishes at it). 409 CONFLICT when nothing was proposed.',
      parameters: [idParam, { name: 'kind', in: 'path', required: true, schema: { type: 'string', enum: KINDS } }],
      responses: {
        '200': { description: 'Classes after the change', content: json(ref('ClassChange')) },
        ...errors(400, 401, 403, 429),
        ...notVisible,
        ...refused('CONFLICT'),
      },
    },
  },
  '/submissions/{id}/campaign': step(
    'setSubmissionCampaign',
    'Tag a submission with a campaign label, or clear it with null (secretariat and analysts; audited)',
    'The label is published text: the victim check reads it.',
    {
      requestBody: {
        required: true,
        content: json({
          type: 'object',
          additionalProperties: false,
          required: ['campaign'],
          properties: { campaign: { type: ['string', 'null'], maxLength: 100 } },
        }),
      },
      responses: {
        '200': {
          description: 'Saved',
          content: json({ type: 'object', properties: { submission_id: { type: 'string' }, campaign: { type: ['string', 'null'] } } }),
        },
        ...errors(400, 401, 403, 429),
        ...notVisible,
      },
    },
  ),
  ...TRIAGE_WORK_PATHS,
};

export const TRIAGE_SCHEMAS: Readonly<Record<string, unknown>> = {
  AssignmentChange: {
    type: 'object',
    required: ['submission_id', 'assignee', 'changed'],
    properties: {
      submission_id: { type: 'string' },
      assignee: {
        type: ['object', 'null'],
        properties: { principal_id: { type: 'string' }, assigned_at: { type: 'string', format: 'date-time' }, assigned_by: { type: 'string' } },
      },
      changed: { type: 'boolean', description: 'false when it already stood so' },
    },
  },
  SubmissionNote: {
    type: 'object',
    required: ['id', 'submission_id', 'author_id', 'created_at', 'text'],
    properties: {
      id: { type: 'string' },
      submission_id: { type: 'string' },
      author_id: { type: 'string' },
      created_at: { type: 'string', format: 'date-time' },
      text: { type: 'string' },
    },
  },
  ClassesByKind: { type: 'object', additionalProperties: false, properties: Object.fromEntries(KINDS.map((k) => [k, { type: 'string', enum: CLASSES }])) },
  LogEntries: {
    type: 'array',
    items: {
      type: 'object',
      properties: {
        seq: { type: 'integer' },
        action: { type: 'string', enum: ['publish', 'retract'] },
        indicator_id: { type: 'string' },
        kind: { type: 'string', enum: KINDS },
        class: { type: 'string', enum: CLASSES },
      },
    },
  },
  ClassChange: {
    type: 'object',
    properties: {
      submission_id: { type: 'string' },
      classes: ref('ClassesByKind'),
      changed: { type: 'array', items: { type: 'string', enum: KINDS } },
      entries: ref('LogEntries'),
    },
  },
  VictimCheck: {
    type: 'object',
    required: ['findings', 'fingerprint', 'acknowledged', 'blocks_approval'],
    properties: {
      findings: {
        type: 'array',
        items: { type: 'object', properties: { field: { type: 'string' }, value: { type: 'string' }, reasons: { type: 'array', items: { type: 'string' } } } },
      },
      fingerprint: { type: 'string', description: 'Names this set of findings; acknowledge with it' },
      acknowledged: { type: 'boolean' },
      blocks_approval: { type: 'boolean' },
    },
  },
};
