// Who takes part in the measurement: three participant organisations of different sectors (one
// hyphenated domain, victims on sub-domains), an observer and an affiliate, and the victims whose
// identities are planted where the honeypot's `phishing@pot` stands.

export interface OrgSpec {
  readonly name: string;
  readonly tier: 'participant' | 'observer' | 'affiliate';
  readonly sector: string;
  readonly domain: string;
  /** Principal names: submitter (participants only) and reader. */
  readonly submitter: string | null;
  readonly reader: string;
}

export interface Victim {
  readonly address: string;
  readonly local: string;
  readonly displayName: string;
  readonly org: OrgSpec;
}

export const PARTICIPANTS: readonly OrgSpec[] = [
  {
    name: 'Higashi Denryoku Holdings',
    tier: 'participant',
    sector: 'electricity',
    domain: 'higashi-denryoku.co.jp',
    submitter: 'hd-csirt',
    reader: 'hd-reader',
  },
  { name: 'Sakuragawa Ginko', tier: 'participant', sector: 'finance', domain: 'sakuragawa-bk.jp', submitter: 'sg-csirt', reader: 'sg-reader' },
  { name: 'Minamikaze Tetsudo', tier: 'participant', sector: 'rail', domain: 'minamikaze-rail.com', submitter: 'mt-csirt', reader: 'mt-reader' },
];
export const OBSERVER: OrgSpec = {
  name: 'Cyber Observers Kyokai',
  tier: 'observer',
  sector: 'government',
  domain: 'observers-kyokai.jp',
  submitter: null,
  reader: 'obs-reader',
};
export const AFFILIATE: OrgSpec = {
  name: 'Shiendan Vendor',
  tier: 'affiliate',
  sector: 'it',
  domain: 'shiendan-vendor.jp',
  submitter: null,
  reader: 'aff-reader',
};
export const SECRETARIAT: OrgSpec = {
  name: 'Council Secretariat',
  tier: 'participant',
  sector: 'government',
  domain: 'council-sec.jp',
  submitter: null,
  reader: 'sec-analyst',
};

const [hd, sg, mt] = PARTICIPANTS as [OrgSpec, OrgSpec, OrgSpec];

function victim(local: string, host: string, displayName: string, org: OrgSpec): Victim {
  return { address: `${local}@${host}`, local, displayName, org };
}

/** Round-robin victims: Latin and Japanese names, dotted, hyphenated and underscored local parts, sub-domains. */
export const VICTIMS: readonly Victim[] = [
  victim('yamada.taro', `ops.${hd.domain}`, '山田 太郎', hd),
  victim('k-suzukawa', sg.domain, 'Kenji Suzukawa', sg),
  victim('tanaka_hanako', `mail.hq.${sg.domain}`, '田中花子', sg),
  victim('j.smithers-jones', mt.domain, 'Jonathan Smithers-Jones', mt),
  victim('takahashi-misaki', `soc.${mt.domain}`, '高橋 美咲', mt),
  victim('sato.ichiro', hd.domain, 'Sato Ichiro', hd),
];

export function submitterAddress(org: OrgSpec): string {
  return `csirt@${org.domain}`;
}

export function readerAddress(org: OrgSpec): string {
  return `${org.reader}@${org.domain}`;
}
