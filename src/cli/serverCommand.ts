// `dropout-lab server --stdio`: starts the language server (src/server) on stdin/stdout. The
// process stays alive until the client sends shutdown + exit or closes stdin.
import { parseArgs } from './args';
import { UsageError } from './errors';

export const SERVER_USAGE = `Usage: dropout-lab server --stdio
  Runs the Dropout Lab language server (LSP 3.17) over standard input and output.`;

export async function runServer(argv: string[]): Promise<number> {
  const { positional, options } = parseArgs(argv, [], ['stdio', 'help']);
  if (options.has('help')) {
    process.stdout.write(`${SERVER_USAGE}\n`);
    return 0;
  }
  if (positional.length) throw new UsageError(`server: unexpected argument '${positional[0]}'`);
  if (!options.has('stdio')) throw new UsageError('server: say how to talk to the editor: --stdio (the only transport)');
  const { startStdioServer } = await import('../server/stdio');
  startStdioServer({ wasmDir: __dirname });
  // The server owns the process from here; it exits on `exit` or when stdin closes.
  return new Promise<number>(() => undefined);
}
