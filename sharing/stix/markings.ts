// Data markings for the five C⁴TAP classes.
//
// Every exported object carries our own marking for its class (a statement marking defined here,
// the same in every C⁴TAP deployment) and, where the class has an exact TLP 2.0 equivalent, the
// official OASIS TLP 2.0 marking (cti-stix-common-objects, extension-definition
// 60a3c5c5-0d10-413e-aab3-9e08dde9e88d; ids and content exactly as published there):
//
//   RED    → TLP:RED     the submitting organisation, the secretariat and the analysts
//   AMBER  → TLP:AMBER   all participants of the council
//   YELLOW → (none)      participants and observers: no TLP level has this audience
//   GREEN  → TLP:GREEN   participants, observers and affiliates (the council's community)
//   WHITE  → TLP:CLEAR   anyone
//
// A consumer that only knows TLP treats a YELLOW object as unmarked; the C⁴TAP statement says
// what it means, and the operating rules that participants and observers accepted bind them to it.
import type { SharingClass } from '../../core/types.ts';
import { authoredId } from './ids.ts';
import type { StixMarkingDefinition } from './types.ts';

const TLP2_EXTENSION = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';

function tlp2(id: string, level: 'clear' | 'green' | 'amber' | 'red'): StixMarkingDefinition {
  return {
    type: 'marking-definition',
    spec_version: '2.1',
    id: `marking-definition--${id}`,
    created: '2022-10-01T00:00:00.000Z',
    name: `TLP:${level.toUpperCase()}`,
    extensions: { [TLP2_EXTENSION]: { extension_type: 'property-extension', tlp_2_0: level } },
  };
}

/** The official TLP 2.0 marking definitions of the classes that have an exact equivalent. */
export const TLP2_MARKINGS: Readonly<Partial<Record<SharingClass, StixMarkingDefinition>>> = {
  RED: tlp2('e828b379-4e03-4974-9ac4-e53a884c97c1', 'red'),
  AMBER: tlp2('55d920b0-5e8b-4f79-9ee9-91f868d9b421', 'amber'),
  GREEN: tlp2('bab4a63c-aed9-4cf5-a766-dfca5abac2bb', 'green'),
  WHITE: tlp2('94868c89-83c2-464b-929b-a1a8aa3c8487', 'clear'),
};

const STATEMENTS: Readonly<Record<SharingClass, string>> = {
  RED: 'C4TAP:RED - only the submitting organisation, the secretariat and the analysts of the C4TAP exchange may see this. Do not share it further.',
  AMBER: 'C4TAP:AMBER - the participants of the council may see this, each within its own organisation. Do not share it outside the participants.',
  YELLOW:
    'C4TAP:YELLOW - the participants and the observers of the council who accepted its operating rules may see this. No TLP level has this audience: do not share it beyond them (not with affiliates, not publicly).',
  GREEN: 'C4TAP:GREEN - the council community (participants, observers and affiliates) may see this. Do not publish it.',
  WHITE: 'C4TAP:WHITE - anyone may see this; it may be published openly.',
};

/** When the C⁴TAP class markings were first defined; part of their fixed content. */
const CLASS_MARKINGS_CREATED = '2026-01-01T00:00:00.000Z';

function classMarking(cls: SharingClass): StixMarkingDefinition {
  return {
    type: 'marking-definition',
    spec_version: '2.1',
    id: authoredId('marking-definition', `C4TAP:${cls}`),
    created: CLASS_MARKINGS_CREATED,
    name: `C4TAP:${cls}`,
    definition_type: 'statement',
    definition: { statement: STATEMENTS[cls] },
  };
}

export const CLASS_MARKINGS: Readonly<Record<SharingClass, StixMarkingDefinition>> = {
  RED: classMarking('RED'),
  AMBER: classMarking('AMBER'),
  YELLOW: classMarking('YELLOW'),
  GREEN: classMarking('GREEN'),
  WHITE: classMarking('WHITE'),
};

/** The marking definitions that apply to information of this class: TLP (where exact), then ours. */
export function markingsFor(cls: SharingClass): readonly StixMarkingDefinition[] {
  const tlp = TLP2_MARKINGS[cls];
  return tlp ? [tlp, CLASS_MARKINGS[cls]] : [CLASS_MARKINGS[cls]];
}

export function markingRefsFor(cls: SharingClass): readonly string[] {
  return markingsFor(cls).map((m) => m.id);
}
