#!/usr/bin/env node
// The `corekernels` command. Exit codes: 0 done, 1 a case or the program failed,
// 2 a mistake on the command line.
import { info } from '../index';
import { HELP, parseCommand, UsageError, type Command } from './args';
import { runBench } from './bench/command';
import { renderInfo } from './info';

async function run(argv: readonly string[]): Promise<number> {
  const cmd: Command = parseCommand(argv);
  switch (cmd.name) {
    case 'help':
      process.stdout.write(HELP);
      return 0;
    case 'version':
      process.stdout.write(`${info().version}\n`);
      return 0;
    case 'info':
      process.stdout.write(renderInfo(cmd.json));
      return 0;
    case 'bench':
      return runBench(cmd.args, argv.slice(1));
  }
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`corekernels: ${err.message}\nRun 'corekernels --help' for the options.\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`corekernels: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    }
  },
);
