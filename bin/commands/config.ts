// `c4tap config print`
import type { Command } from 'commander';
import { redactConfig } from '../../core/config.ts';
import { configFrom } from '../cli-support.ts';

export function registerConfig(program: Command): void {
  program
    .command('config')
    .description('configuration')
    .command('print')
    .description('print the effective configuration with secrets redacted')
    .action((_opts: unknown, cmd: Command) => {
      process.stdout.write(JSON.stringify(redactConfig(configFrom(cmd)), null, 2) + '\n');
    });
}
