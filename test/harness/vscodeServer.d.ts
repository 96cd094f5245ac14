// Types of test/harness/vscodeServer.js for TypeScript callers (the e2e helper).
import type { ChildProcess } from 'child_process';

export interface VSCodeServerOptions {
  port?: number;
  host?: string;
  dataDir?: string;
  extensionsDir?: string;
  disableWorkspaceTrust?: boolean;
  env?: Record<string, string>;
  onLine?: (line: string) => void;
  startTimeout?: number;
}

export interface VSCodeServer {
  url: string;
  host: string;
  port: number;
  /** The VS Code version of the server, from its product.json. */
  version: string;
  root: string;
  dataDir: string;
  extensionsDir: string;
  process: ChildProcess;
  /** The last lines the server printed. */
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  onLine(listener: (line: string) => void): () => void;
  remoteUri(absolutePath: string): string;
  stop(): Promise<void>;
}

export interface WorkbenchUrlOptions {
  folder?: string;
  extensionDevelopmentPath?: string;
  extensionTestsPath?: string;
  payload?: [string, string][];
}

export const REPO_ROOT: string;
export function startVSCodeServer(options?: VSCodeServerOptions): Promise<VSCodeServer>;
export function workbenchUrl(server: VSCodeServer, options?: WorkbenchUrlOptions): string;
export function installVsix(vsixPath: string, extensionsDir: string): Promise<string>;
export function freePort(host?: string): Promise<number>;
