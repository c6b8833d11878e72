// The class that binds a whole digest and the banner that states it. A digest may mix classes
// (YELLOW and GREEN items for an observer), so the rule of the NARROWEST class it carries binds
// the message: the banner, the subject tag and the `C4TAP-Class` header all state that class.
// Each indicator line states its own class besides.
import { C4Error } from '../../../core/errors.ts';
import type { Language, SharingClass } from '../../../core/types.ts';
import { audienceOf } from '../../class-policy.ts';
import { classRank, narrowest } from '../../../core/class-order.ts';
import { languageOrder, MESSAGES } from './messages.ts';
import type { DigestInput } from './types.ts';

/**
 * Every class of information the digest holds: each entry's class and its visible sources'
 * classes (the figures shown are derived from those), and the classes of the sightings exported.
 * Throws DIGEST_CLASS_VIOLATION when one is outside `input.classes`: the caller built the digest
 * from information this channel may not carry (RED or AMBER by e-mail), and nothing is sent.
 */
export function carriedClasses(input: DigestInput): readonly SharingClass[] {
  const ids = new Set(input.entries.map((e) => e.view.id));
  const found = new Set<SharingClass>();
  for (const e of input.entries) {
    found.add(e.view.class);
    for (const s of e.view.sources) found.add(s.class);
  }
  for (const s of input.stixContext.sightings) if (ids.has(s.indicatorId)) found.add(s.class);
  const outside = [...found].filter((c) => !input.classes.includes(c));
  if (outside.length > 0) {
    throw new C4Error('DIGEST_CLASS_VIOLATION', `digest "${input.scheduleName}" may carry ${input.classes.join(', ')} only, not ${outside.join(', ')}`, {
      schedule: input.scheduleName,
      allowed: input.classes,
      found: outside,
    });
  }
  return [...found].sort((a, b) => classRank(a) - classRank(b));
}

/** The class whose rule binds the message: the narrowest carried, else the narrowest allowed. */
export function bindingClass(input: DigestInput): SharingClass {
  const carried = carriedClasses(input);
  return narrowest(carried.length > 0 ? carried : input.classes);
}

/** `C⁴TAP:YELLOW`: the class tag as the banner writes it. */
export function classTag(cls: SharingClass): string {
  return `C⁴TAP:${cls}`;
}

/** The banner lines, the recipient's language first: `C⁴TAP:YELLOW — <sharing rule>`. */
export function bannerLines(cls: SharingClass, language: Language): readonly string[] {
  return languageOrder(language).map((lang) => `${classTag(cls)} — ${MESSAGES[lang].rule(audienceOf(cls))}`);
}
