// One thread of the YARA-X scan pool (yara-pool.ts): holds its own compiled copy of the rule
// groups and scans synchronously, one buffer at a time, off the main thread.
//
// Plain JavaScript on purpose: a worker thread does not inherit tsx's loader, and loading it in
// every thread costs ~200 ms per start. This file stays a dumb loop; what the matches mean is
// decided on the main thread (yara.ts), by the same code as for in-process scans.
//
// Messages in:  { type: 'rules', sources: SharedArrayBuffer[] (UTF-8, shared with the pool, never
//                 copied), compilerOptions, maxMatchesPerPattern }
//               { type: 'scan', id, length, staging? }  the first `length` bytes of the staging
//                 buffer (a SharedArrayBuffer, sent again only when the pool replaced it)
//               { type: 'scan', id, bytes: Uint8Array }  a large input, transferred
// Messages out: { type: 'rules' }  once per rules message, compiled or not (a scan says why not)
//               { type: 'done', id, hits: RuleMatch[][] }  (one list per rule source, in order)
//               { type: 'failed', id, error: string }
import { parentPort } from 'node:worker_threads';
import { compile } from '@litko/yara-x';

/** @type {{ ok: true, rules: any[] } | { ok: false, error: string }} */
let loaded = { ok: false, error: 'no rules sent to this scan thread' };
/** @type {SharedArrayBuffer | null} */
let staging = null;

parentPort.on('message', (msg) => {
  if (msg.type === 'rules') {
    try {
      const rules = msg.sources.map((source) => compile(Buffer.from(source).toString('utf8'), msg.compilerOptions));
      for (const r of rules) r.setMaxMatchesPerPattern(msg.maxMatchesPerPattern);
      loaded = { ok: true, rules };
    } catch (err) {
      loaded = { ok: false, error: `rules do not compile in the scan thread: ${err instanceof Error ? err.message : String(err)}` };
    }
    parentPort.postMessage({ type: 'rules' });
    return;
  }
  if (msg.type === 'scan') {
    if (!loaded.ok) {
      parentPort.postMessage({ type: 'failed', id: msg.id, error: loaded.error });
      return;
    }
    try {
      if (msg.staging) staging = msg.staging;
      const data = msg.bytes ? Buffer.from(msg.bytes.buffer, msg.bytes.byteOffset, msg.bytes.byteLength) : Buffer.from(staging, 0, msg.length);
      const hits = loaded.rules.map((r) => r.scan(data));
      parentPort.postMessage({ type: 'done', id: msg.id, hits });
    } catch (err) {
      parentPort.postMessage({ type: 'failed', id: msg.id, error: err instanceof Error ? err.message : String(err) });
    }
  }
});
