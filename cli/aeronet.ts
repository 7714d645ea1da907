#!/usr/bin/env node
import { serveCommand } from './serve-command.js';
import { runCommand } from './run-command.js';
import { reproCommand } from './repro-command.js';
import { shrinkCommand } from './shrink-command.js';
import { conformanceCommand } from './conformance-command.js';
import { netemClientCommand, netemInsideCommand } from './netem-command.js';
import { proxyCommand } from './proxy-command.js';
import { replayPcapCommand } from './replay-pcap-command.js';
import { reportCommand } from './report-command.js';
import { fuzzCommand } from './fuzz-command.js';
import { USAGE } from './usage.js';
import { UsageError } from './usage-error.js';

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  serve: serveCommand,
  run: runCommand,
  repro: reproCommand,
  shrink: shrinkCommand,
  conformance: conformanceCommand,
  // Internal: the netem layer's guest job and client half (started by run --layer netem).
  'netem-inside': netemInsideCommand,
  'netem-client': netemClientCommand,
  proxy: proxyCommand,
  'replay-pcap': replayPcapCommand,
  report: reportCommand,
  fuzz: fuzzCommand,
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
