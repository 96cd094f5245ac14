// The "Dropout Lab" log output channel. VS Code's own log level applies to the channel; the
// `dropoutLab.logLevel` setting filters on top of it so users can quiet or detail our logs alone.
import * as vscode from 'vscode';

export type LogLevelName = 'off' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

const ORDER: Record<LogLevelName, number> = { off: 0, error: 1, warn: 2, info: 3, debug: 4, trace: 5 };

export interface Logger {
  error(message: string, error?: unknown): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
  trace(message: string): void;
  show(): void;
  /** The channel itself: the language client writes the server's log messages to it. */
  readonly channel?: vscode.LogOutputChannel;
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}

class ChannelLogger implements Logger {
  private level: number = ORDER.info;

  constructor(readonly channel: vscode.LogOutputChannel) {}

  setLevel(name: string): void {
    this.level = ORDER[name as LogLevelName] ?? ORDER.info;
  }

  error(message: string, error?: unknown): void {
    if (this.level >= ORDER.error) this.channel.error(error === undefined ? message : `${message}\n${describe(error)}`);
  }
  warn(message: string): void {
    if (this.level >= ORDER.warn) this.channel.warn(message);
  }
  info(message: string): void {
    if (this.level >= ORDER.info) this.channel.info(message);
  }
  debug(message: string): void {
    if (this.level >= ORDER.debug) this.channel.debug(message);
  }
  trace(message: string): void {
    if (this.level >= ORDER.trace) this.channel.trace(message);
  }
  show(): void {
    this.channel.show(true);
  }
}

/** Creates the log channel and keeps its filter in sync with `dropoutLab.logLevel`. */
export function createLogger(context: vscode.ExtensionContext): Logger {
  const channel = vscode.window.createOutputChannel('Dropout Lab', { log: true });
  const logger = new ChannelLogger(channel);
  const readLevel = () => logger.setLevel(vscode.workspace.getConfiguration('dropoutLab').get<string>('logLevel', 'info'));
  readLevel();
  context.subscriptions.push(
    channel,
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('dropoutLab.logLevel')) readLevel();
    }),
  );
  return logger;
}
