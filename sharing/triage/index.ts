// Triage: one module for the console and the REST API. A state machine over the submission's
// status (machine.ts: approve, reject, reopen), the victim-name gate before approval
// (victim-gate.ts), class narrowing and consented widening (classes.ts), indicators, false
// positives and campaign labels (indicators.ts), who works on it (assignment.ts) and the analysts'
// internal notes (notes.ts). Every step checks who asks (access.ts), is
// audited with actor, before and after, and is refused as a value with a stable error code
// (refusals.ts).
export { accessRefusal, loadFor, type Access, type Actor } from './access.ts';
export { assign, unassign, type AssignmentChange } from './assignment.ts';
export { changeClasses, consentToWidening, narrowClass, parseKind, proposeWidening, recordConsent, type ClassChange } from './classes.ts';
export type { TriageDeps, VictimCheckSettings, WorkDeps } from './deps.ts';
export { addIndicator, removeIndicator, setCampaign, setFalsePositive } from './indicators.ts';
export { allowedFrom, isTriageable, mayTransition, offeredSteps, STATUS_TRANSITIONS, type StatusTransition } from './machine.ts';
export { addNote, listNotes, noteText, NOTE_MAX_CHARS, type SubmissionNotes } from './notes.ts';
export { readOriginal, type OriginalView } from './original.ts';
export { describeRefusal, REFUSAL_CODES, refusalError, valueOrThrow, type Outcome, type Refusal, type RefusalReason } from './refusals.ts';
export { consentCeiling, triageState, type TriageState } from './state.ts';
export { acknowledgeVictimCheck, approve, reject, reopen, victimCheckOf, type ReopenResult } from './transitions.ts';
export { checkVictimNames, loadVictimCheck, publishedTexts, victimCheckBlocks, type VictimCheck, type VictimFinding } from './victim-gate.ts';
