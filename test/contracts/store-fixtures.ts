// Builders for the store contract suite: records that satisfy every adapter's constraints
// (an organisation and principal exist before their submissions, and so on).
import type { ClassByKind, Organisation, Principal, SharingClass } from '../../core/types.ts';
import type { DirectoryStore, NewJob, NewOrganisation, NewPrincipal, NewSample, NewSubmission, SubmissionStore } from '../../core/store/port.ts';

const BASE = Date.UTC(2025, 0, 6, 9, 0, 0);

/** A fixed ISO timestamp `seconds` after the suite's base time. */
export function at(seconds: number): string {
  return new Date(BASE + seconds * 1000).toISOString();
}

export function classes(all: SharingClass, overrides: Partial<ClassByKind> = {}): ClassByKind {
  return { sample: all, mail: all, network: all, file: all, ...overrides };
}

export function orgInput(id: string, overrides: Partial<NewOrganisation> = {}): NewOrganisation {
  return {
    id,
    name: `Organisation ${id}`,
    tier: 'participant',
    sector: 'electricity',
    domains: [`${id}.example`],
    networks: ['192.0.2.0/24'],
    contacts: [
      {
        name: 'Duty desk',
        means: [
          { kind: 'email', value: `soc@${id}.example` },
          { kind: 'phone', value: '+81 3 0000 0000' },
        ],
      },
    ],
    language: 'ja',
    defaultClasses: { network: 'AMBER' },
    rulesAcceptedAt: at(0),
    ...overrides,
  };
}

export function principalInput(id: string, orgId: string, overrides: Partial<NewPrincipal> = {}): NewPrincipal {
  return {
    id,
    orgId,
    name: id.toLowerCase(),
    displayName: `User ${id}`,
    email: `${id.toLowerCase()}@${orgId}.example`,
    roles: ['submitter'],
    status: 'active',
    passwordHash: null,
    mustChangePassword: false,
    smtpSecretHash: 'scrypt$abc',
    allowedSenders: [],
    totpSecret: null,
    language: 'en',
    timeZone: 'Asia/Tokyo',
    ...overrides,
  };
}

export interface Submitter {
  readonly org: Organisation;
  readonly principal: Principal;
}

/** Creates an organisation and one submitting principal in it. */
export async function seedSubmitter(store: DirectoryStore, orgId = 'org1', principalId = `${orgId}-p1`): Promise<Submitter> {
  const org = await store.createOrganisation(orgInput(orgId), at(0));
  const principal = await store.createPrincipal(principalInput(principalId, orgId), at(0));
  return { org, principal };
}

export function submissionInput(id: string, who: Submitter, overrides: Partial<NewSubmission> = {}): NewSubmission {
  return {
    id,
    principalId: who.principal.id,
    orgId: who.org.id,
    receivedAt: at(60),
    rawSha256: 'a'.repeat(64),
    rawSize: 1234,
    messageId: `<${id}@mail.example>`,
    dedupKey: `dedup-${id}`,
    envelope: { mailFrom: 'soc@org1.example', rcptTo: ['report@c4tap.example'], remoteAddress: '127.0.0.1', heloName: 'mx.org1.example', transport: 'smtp' },
    classes: classes('RED', { network: 'AMBER' }),
    classDecisions: [{ kind: 'network', class: 'AMBER', source: 'directive', reason: 'C4TAP-Class line' }],
    subject: 'Invoice 2025-01',
    details: { note: 'nested', list: [1, 2, { deep: true }] },
    ...overrides,
  };
}

export function jobInput(id: string, submissionId: string, runAfter = at(60)): NewJob {
  return { id, type: 'analyse', submissionId, runAfter };
}

/** Creates a submission with its job; returns the submission id. */
export async function seedSubmission(store: SubmissionStore, who: Submitter, id: string, overrides: Partial<NewSubmission> = {}): Promise<string> {
  const { submission } = await store.createSubmission(submissionInput(id, who, overrides), jobInput(`job-${id}`, id, overrides.receivedAt));
  return submission.id;
}

export function sampleInput(submissionId: string, sha256: string, overrides: Partial<NewSample> = {}): NewSample {
  return {
    submissionId,
    sha256,
    sha1: sha256.slice(0, 40),
    md5: sha256.slice(0, 32),
    size: 2048,
    role: 'attachment',
    declaredName: 'invoice.docm',
    declaredType: 'application/vnd.ms-word.document.macroEnabled.12',
    detectedType: 'application/zip',
    class: 'RED',
    storedAt: at(100),
    details: { entropy: 7.2 },
    ...overrides,
  };
}

/** A 64-hex digest that sorts by n. */
export function hex(n: number): string {
  return n.toString(16).padStart(64, '0');
}

/** The error a promise rejects with; fails the test when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the promise to reject');
}
