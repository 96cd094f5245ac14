// `dropout-lab server --stdio`: the language server on standard input/output. stdout carries only
// LSP messages (console output goes to stderr); the process exits 0 after shutdown + exit, and
// also ends (1 without a shutdown) when the client closes stdin.
import { StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import { startWithServerHeap } from './heap';
import { startServer, type ServerOptions } from './server';
import { createServerConnection } from './transport';

export function startStdioServer(options: ServerOptions): void {
  // Served from a process with the server's young generation (heap.ts): this one, or one started with it.
  startWithServerHeap(() => serveStdio(options));
}

function serveStdio(options: ServerOptions): void {
  // Anything printed by accident must not corrupt the protocol stream.
  console.log = console.info = console.debug = (...args: unknown[]) => process.stderr.write(`${args.map(String).join(' ')}\n`);
  // A failed promise somewhere (e.g. a notification to a client that went away) is logged, never fatal.
  process.on('unhandledRejection', (reason) => process.stderr.write(`dropout-lab server: unhandled rejection: ${reason instanceof Error ? reason.stack ?? reason.message : String(reason)}\n`));
  const reader = new StreamMessageReader(process.stdin);
  const writer = new StreamMessageWriter(process.stdout);
  let shutdown = false;
  reader.onClose(() => process.exit(shutdown ? 0 : 1));
  startServer(createServerConnection(reader, writer), {
    ...options,
    onShutdown: () => {
      shutdown = true;
      options.onShutdown?.();
    },
  });
}
