// One 7-Zip command (seven-zip-engine.ts) in its own worker thread, so a slow archive never holds
// the event loop that SMTP and HTTP share with the analysis worker, and a command past its deadline
// is ended by terminating the thread. Plain JavaScript: a thread does not load tsx.
//
// workerData: { module: WebAssembly.Module, input: Uint8Array, args: string[], cap: number }
// Message out: { exitCode, output, files: [path, Uint8Array][], bytesTried, capHit }
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

const SevenZip = createRequire(import.meta.url)('7z-wasm');
const INPUT = '/w/in';
const OUT = '/w/out';
const ENOSPC = 28;

function walk(fs, dir, prefix, out) {
  let names;
  try {
    names = fs.readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (name === '.' || name === '..') continue;
    const path = `${dir}/${name}`;
    const stat = fs.lstat(path);
    if (fs.isDir(stat.mode)) walk(fs, path, `${prefix}${name}/`, out);
    else if (fs.isFile(stat.mode)) out.push([`${prefix}${name}`, fs.readFile(path)]); // symbolic links are skipped
  }
}

const { module, input, args, cap } = workerData;
let output = '';
const sz = await SevenZip({
  print: (s) => void (output += `${s}\n`),
  printErr: (s) => void (output += `${s}\n`),
  stdin: () => null, // never a password prompt: end of input
  instantiateWasm: (imports, done) => {
    void WebAssembly.instantiate(module, imports).then((instance) => done(instance, module));
    return {};
  },
});
const fs = sz.FS;
fs.mkdir('/w');
fs.writeFile(INPUT, input);
fs.mkdir(OUT);
let bytesTried = 0;
let capHit = false;
const write = fs.write.bind(fs);
fs.write = (stream, buffer, offset, length, position, canOwn) => {
  if ((stream.path ?? '').startsWith(`${OUT}/`)) {
    bytesTried += length;
    if (bytesTried > cap) {
      capHit = true;
      throw new fs.ErrnoError(ENOSPC); // 7-Zip stops as on a full disk
    }
  }
  return write(stream, buffer, offset, length, position, canOwn);
};
let exitCode;
try {
  exitCode = sz.callMain(args.map((a) => a.replaceAll('{in}', INPUT).replaceAll('{out}', OUT))) ?? 0;
} catch {
  exitCode = null; // a C++ exception or abort inside 7-Zip
}
const files = [];
walk(fs, OUT, '', files);
parentPort.postMessage(
  { exitCode, output, files, bytesTried, capHit },
  files.map(([, data]) => data.buffer),
);
