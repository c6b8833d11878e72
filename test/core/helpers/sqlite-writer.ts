// Child process for the crash test: writes submissions in a loop and prints each id to stdout
// only after the awaited write returned. Stdout to a pipe is synchronous on Linux, so every
// printed id was committed before it left this process. Runs until killed (or a safety limit).
import { openSqliteStore } from '../../../core/store/sqlite-store.ts';
import { jobInput, submissionInput, type Submitter } from '../../contracts/store-fixtures.ts';

const [file, orgId, principalId] = process.argv.slice(2);
if (!file || !orgId || !principalId) throw new Error('usage: sqlite-writer.ts <file> <orgId> <principalId>');

const store = openSqliteStore(file);
const org = await store.getOrganisation(orgId);
const principal = await store.getPrincipal(principalId);
if (!org || !principal) throw new Error('seed the organisation and principal first');
const who: Submitter = { org, principal };

for (let i = 0; i < 100_000; i++) {
  const id = `crash-${i}`;
  await store.createSubmission(submissionInput(id, who), jobInput(`job-${id}`, id));
  process.stdout.write(`${id}\n`);
}
await store.close();
