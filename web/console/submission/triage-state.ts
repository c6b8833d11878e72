// Triage state lives with the triage module (sharing/triage/state.ts); the console reads it from there.
export { consentCeiling, triageState, type TriageState } from '../../../sharing/triage/index.ts';
