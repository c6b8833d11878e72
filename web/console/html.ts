// The console renders with the shared escaping template (core/html.ts).
export * from '../../core/html.ts';
