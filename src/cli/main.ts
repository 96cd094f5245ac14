// `dropout-lab` command line: a thin shell over src/lint and src/engine.
//   dropout-lab lint [paths…] [--format text|json|sarif] [--select …] [--ignore …] [--fix] [--config PATH]
//   dropout-lab train --dropout P --epochs N --seed S [--json]
//   dropout-lab server --stdio
import { UsageError } from './errors';
import { version } from '../../package.json';
import { runLint } from './lintCommand';

export const USAGE = `Usage:
  dropout-lab lint [paths…] [--format text|json|sarif] [--select RULES] [--ignore RULES] [--fix]
                   [--config PATH] [--max-file-size SIZE] [--parse-timeout-ms MS] [--jobs N]
                   (dropout-lab lint --help explains each option and the exit codes)
  dropout-lab train --dropout P --epochs N --seed S [--json]
  dropout-lab server --stdio        (the language server, for editors)
  dropout-lab --help | --version`;


async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  if (command === '--version') {
    process.stdout.write(`${version}\n`);
    return 0;
  }
  if (command === 'lint') return runLint(rest);
  if (command === 'server') {
    const { runServer } = await import('./serverCommand');
    return runServer(rest);
  }
  if (command === 'train') {
    const { runTrain } = await import('./trainCommand');
    return runTrain(rest);
  }
  throw new UsageError(`unknown command '${command}'`);
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`dropout-lab: ${error.message}\n${USAGE}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`dropout-lab: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 2;
    }
  },
);
