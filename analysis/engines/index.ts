// Scanning engines: YARA-X over policies/yara, ClamAV's clamd over INSTREAM. Both record what
// they saw as closed outcomes (analysis/types.ts); neither ever says clean/scanned on doubt.
export { createYaraScanner, YARA_DEFAULTS, type YaraScannerOptions } from './yara.ts';
export { createAvScanner, CLAMD_DEFAULT_PORT } from './clamav.ts';
export { avOutcomeFromClamd } from './clamd-reply.ts';
