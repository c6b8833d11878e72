// Digests as observers, affiliates and participants read them: `c4tap digest run --now`, then the
// messages the embedded set-up wrote to the outbox for the readers (raw, decoded text and HTML),
// and the CSV and STIX files behind each digest's authenticated link.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { getOk } from './http.ts';
import type { Surface } from './collect-api.ts';

export interface DigestReader {
  readonly tier: string;
  readonly address: string;
  readonly token: string;
}

export interface DigestCollection {
  readonly surfaces: Surface[];
  readonly runOutput: string;
  readonly messages: number;
}

export async function collectDigests(base: string, outboxDir: string, readers: readonly DigestReader[], runOutput: string): Promise<DigestCollection> {
  const surfaces: Surface[] = [];
  let messages = 0;
  const files = (() => {
    try {
      return readdirSync(outboxDir)
        .filter((f) => f.endsWith('.eml'))
        .sort();
    } catch {
      return [];
    }
  })();
  for (const f of files) {
    const raw = readFileSync(path.join(outboxDir, f));
    const mail = await simpleParser(raw);
    const to = (Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : []).flatMap((a) => a.value.map((v) => (v.address ?? '').toLowerCase()));
    const reader = readers.find((r) => to.includes(r.address.toLowerCase()));
    if (!reader) continue;
    messages++;
    const name = `${reader.tier}/digest/${f}`;
    surfaces.push({ name: `${name}:raw`, body: raw.toString('utf8') });
    surfaces.push({ name: `${name}:subject+text`, body: `${mail.subject ?? ''}\n${mail.text ?? ''}` });
    if (typeof mail.html === 'string') surfaces.push({ name: `${name}:html`, body: mail.html });
    for (const a of mail.attachments) surfaces.push({ name: `${name}:attachment:${a.filename ?? a.contentType}`, body: a.content.toString('utf8') });
    const ids = new Set([...`${mail.text ?? ''}\n${mail.html || ''}`.matchAll(/\/digests\/files\/([A-Za-z0-9_-]+)/g)].map((m) => m[1]!));
    for (const id of ids) {
      for (const format of ['csv', 'stix'] as const) {
        const a = await getOk(`${base}/digests/files/${id}?format=${format}`, reader.token);
        surfaces.push({ name: `${reader.tier}/digest-file/${id}.${format}`, body: a.body });
      }
    }
  }
  return { surfaces, runOutput, messages };
}
