// Entry of the SQLite writer thread: a worker thread does not inherit tsx's loader when started
// with execArgv [] (the parent's flags differ between `npm start`, mocha and tsx), so it
// registers tsx itself and then loads the TypeScript thread module named in workerData.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);
