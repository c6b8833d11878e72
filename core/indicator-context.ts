// What the analysis records in an indicator source's context and the later stages read back.
// One reader, so analysis (correlation) and sharing (publication) agree on what "flagged" means.

/** Warning lists (and flags such as `submitter-lookalike`) recorded for a source, or []. */
export function warningListsOf(context: Readonly<Record<string, unknown>>): readonly string[] {
  const lists = context['warningLists'];
  return Array.isArray(lists) ? lists.filter((l): l is string => typeof l === 'string') : [];
}
