// Files of a submission's original and the static facts about each.
export { findFiles, plainTextOf, type FoundBody, type FoundFiles } from './find-files.ts';
export { fileFacts } from './facts.ts';
export { detectType, typeMismatch, type DetectedType } from './detect-type.ts';
