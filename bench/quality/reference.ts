// Runs the independent reference extraction (reference.py: Python's email package, html.parser,
// its own MISP warning-list matcher and Received cut) over the planted originals, and classifies
// the published indicators with it.
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { ForwardForm } from './forward.ts';

export interface RefSender {
  readonly domain: string;
  readonly fields: readonly string[];
  readonly lists: readonly string[];
  readonly participant: boolean;
  readonly validSuffix: boolean;
}

export interface RefUrl {
  readonly url: string;
  readonly host: string;
  readonly hostLists: readonly string[];
  readonly urlLists: readonly string[];
  readonly hasPath: boolean;
  readonly validSuffix: boolean;
}

export interface RefMail {
  readonly error?: string;
  readonly senders: readonly RefSender[];
  readonly urls: readonly RefUrl[];
  readonly received: { readonly internal: { names: string[]; ips: string[] }; readonly external: { names: string[]; ips: string[] } };
}

export interface RefClassified {
  readonly type: string;
  readonly value: string;
  readonly category: string | null;
}

export interface ReferenceOutput {
  readonly mails: Readonly<Record<string, RefMail>>;
  readonly classified: readonly RefClassified[];
}

export interface ReferenceInput {
  readonly warninglists: string;
  readonly participantDomains: readonly string[];
  readonly mails: readonly { readonly id: string; readonly file: string; readonly form: ForwardForm }[];
  readonly published: readonly { readonly type: string; readonly value: string }[];
}

export function runReference(input: ReferenceInput): Promise<ReferenceOutput> {
  const script = path.join(import.meta.dirname, 'reference.py');
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-B', script], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`reference.py exited ${code}: ${err.slice(0, 2000)}`));
      try {
        resolve(JSON.parse(Buffer.concat(out).toString('utf8')) as ReferenceOutput);
      } catch (e) {
        reject(e as Error);
      }
    });
    child.stdin.end(JSON.stringify(input));
  });
}
