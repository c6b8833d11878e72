// Which victim, forward form and class each mail gets: round-robin, so every run is the same.
import { VICTIMS, type Victim } from './identities.ts';
import { FORWARD_FORMS, type ForwardForm } from './forward.ts';

export type SharingClassName = 'AMBER' | 'YELLOW' | 'GREEN' | 'WHITE';

export interface MailPlan {
  readonly index: number;
  readonly name: string;
  readonly victim: Victim;
  readonly form: ForwardForm;
  readonly cls: SharingClassName;
}

/** Seven in ten AMBER, then YELLOW, GREEN and WHITE, so observers, affiliates and the public get items. */
const CLASS_CYCLE: readonly SharingClassName[] = ['AMBER', 'AMBER', 'AMBER', 'YELLOW', 'AMBER', 'AMBER', 'GREEN', 'AMBER', 'AMBER', 'WHITE'];

export function planMail(index: number, name: string): MailPlan {
  return {
    index,
    name,
    victim: VICTIMS[index % VICTIMS.length]!,
    form: FORWARD_FORMS[(index + Math.floor(index / VICTIMS.length)) % FORWARD_FORMS.length]!,
    cls: CLASS_CYCLE[index % CLASS_CYCLE.length]!,
  };
}
