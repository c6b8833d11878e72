// The README is executable: the shell blocks it marks ```sh walkthrough run, in order, exactly as
// written (npx c4tap …) against a fresh data directory, with the documented placeholders filled in
// from what earlier commands printed. A step the CLI no longer accepts fails here.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { REPO, tempDataDir, type TempDataDir } from '../helpers/cli.ts';

/** The commands of the walkthrough blocks, continuation lines joined, in README order. */
export function walkthroughCommands(markdown: string): string[] {
  const blocks = [...markdown.matchAll(/^```sh walkthrough\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
  const commands: string[] = [];
  for (const block of blocks) {
    let pending = '';
    for (const line of block.split('\n')) {
      if (!pending && (line.trim() === '' || line.trim().startsWith('#'))) continue;
      pending += line;
      if (line.endsWith('\\')) pending = pending.slice(0, -1) + ' ';
      else {
        commands.push(pending);
        pending = '';
      }
    }
  }
  return commands;
}

/** Placeholders the README documents, and where their values come from. */
const PLACEHOLDERS: readonly { readonly name: string; readonly printed: RegExp }[] = [
  { name: '<jti>', printed: /issued token (\S+)/ },
  { name: '<drill-id>', printed: /started drill (drill_\S+)/ },
];

describe('README walkthrough', function () {
  this.timeout(900_000);
  let data: TempDataDir;
  let cwd: string;
  before(() => {
    data = tempDataDir({}, { initialise: false });
    // Inside the installation, as a user with a checkout would be: npx finds c4tap there.
    cwd = mkdtempSync(path.join(REPO, '.tmp-walkthrough-'));
  });
  after(() => {
    data.remove();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('runs every command of the marked blocks in order against a fresh data directory, each exiting 0', function () {
    const commands = walkthroughCommands(readFileSync(path.join(REPO, 'README.md'), 'utf8'));
    expect(commands.length, 'walkthrough blocks in README.md').to.be.greaterThan(20);
    expect(commands[0]).to.match(/^npx c4tap init\b/);
    const values = new Map<string, string>();
    for (const written of commands) {
      const command = PLACEHOLDERS.reduce((c, p) => (values.has(p.name) ? c.replaceAll(p.name, values.get(p.name)!) : c), written);
      expect(command, `placeholder not filled by an earlier command in: ${written}`).not.to.match(/<[a-z-]+>/);
      const r = spawnSync('bash', ['-eo', 'pipefail', '-c', command], { cwd, env: data.env, encoding: 'utf8', timeout: 120_000 });
      expect(r.status, `${command}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`).to.equal(0);
      for (const p of PLACEHOLDERS) {
        const m = p.printed.exec(r.stdout);
        if (m) values.set(p.name, m[1]!);
      }
    }
  });
});
