// The typed records stages hand each other through the store (issue 13); see types.ts.
export * from './types.ts';
export { readAnalysisRecord, readIngestRecord, parseOriginalEvidence, serializeOriginalEvidence, type AnalysisRecordRead } from './parse.ts';
export { avSchema, bodySchema, clusterSchema, fileSchema, receivedSchema, redactionSchema, verdictSchema, yaraSchema } from './parse.ts';
