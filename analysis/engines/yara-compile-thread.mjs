// Entry of the YARA compile thread (yara-rules-dir.ts): a worker thread does not run the
// process's --import of tsx's loader, so it registers tsx here, then runs the TypeScript module.
import { register } from 'tsx/esm/api';

register();
await import('./yara-compile-thread.ts');
