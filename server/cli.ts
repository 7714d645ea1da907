#!/usr/bin/env node
import { serveCommand } from './cli/serve-command.js';
import { runCommand } from './cli/run-command.js';
import { reproCommand } from './cli/repro-command.js';
import { shrinkCommand } from './cli/shrink-command.js';
import { conformanceCommand } from './cli/conformance-command.js';
import { proxyCommand } from './cli/proxy-command.js';
import { USAGE } from './cli/usage.js';
import { UsageError } from './cli/usage-error.js';

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  serve: serveCommand,
  run: runCommand,
  repro: reproCommand,
  shrink: shrinkCommand,
  conformance: conformanceCommand,
  proxy: proxyCommand,
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  const run = COMMANDS[command];
  if (run === undefined) throw new UsageError(`unknown command "${command}"`);
  return run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError) {
      // --help inside a command is not an error.
      if (err.detail === null) {
        process.stdout.write(USAGE);
        process.exitCode = 0;
        return;
      }
      process.stderr.write(`aeronet: ${err.detail}\n\n${USAGE}`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`aeronet: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
