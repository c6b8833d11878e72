// The machine-readable files of a digest, with LIVE (not defanged) values: the REST API's CSV
// (sharing/api/csv-format.ts) and a STIX 2.1 bundle from the one STIX exporter (sharing/stix).
// Pure over the input, so delivery's authenticated link route rebuilds the same files later.
import { encryptedZip } from '../../../core/encrypted-zip.ts';
import { feedCsv } from '../../api/csv-format.ts';
import { authoredId, viewsBundle } from '../../stix/index.ts';
import { carriedClasses } from './banner.ts';
import { latestPerIndicator } from './grouping.ts';
import type { DigestFiles, DigestInput } from './types.ts';

export const CSV_MEDIA_TYPE = 'text/csv; charset=utf-8; header=present';
export const STIX_FILE_MEDIA_TYPE = 'application/stix+json;version=2.1';

/** Same digest, same bundle id: a re-download updates what the consumer holds instead of adding to it. */
function bundleId(input: DigestInput): string {
  return authoredId('bundle', ['digest', input.scheduleName, input.recipient.address, input.period.from, input.period.to].join('\u0000'));
}

export function digestFiles(input: DigestInput): DigestFiles {
  carriedClasses(input); // refuses a digest holding a class it may not carry
  const entries = latestPerIndicator(input.entries);
  const bundle = viewsBundle(
    entries.map((e) => e.view),
    input.stixContext,
    input.exchange,
    bundleId(input),
  );
  return { csv: Buffer.from(feedCsv(entries), 'utf8'), stix: Buffer.from(JSON.stringify(bundle), 'utf8') };
}

/** `c4tap-digest-<schedule>-<YYYYMMDDTHHMM>`: safe in any file system and mail client. */
export function digestFileStem(input: DigestInput): string {
  const schedule = input.scheduleName.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'digest';
  const stamp = input.period.to.replace(/[^0-9T]/g, '').slice(0, 13);
  return `c4tap-digest-${schedule}-${stamp}`;
}

/** Both files in one AES-256 zip under this password: the 'zip' attachment, and the link route's zip. */
export async function digestZip(input: DigestInput, password: string): Promise<{ readonly filename: string; readonly content: Buffer }> {
  const files = digestFiles(input);
  const stem = digestFileStem(input);
  const modified = new Date(input.period.to);
  const content = await encryptedZip(
    [
      { name: `${stem}.csv`, content: files.csv, ...(Number.isNaN(modified.getTime()) ? {} : { modified }) },
      { name: `${stem}.stix.json`, content: files.stix, ...(Number.isNaN(modified.getTime()) ? {} : { modified }) },
    ],
    password,
  );
  return { filename: `${stem}.zip`, content };
}
