// Connections for the language server. `createServerConnection(reader, writer)` wraps any
// vscode-jsonrpc transport (stdio streams, a worker's MessagePort, a socket) so bad input gets a
// JSON-RPC error response instead of silence: a body that is not JSON → -32700 Parse error, a
// message that is not a request, notification or response → -32600 Invalid Request (both with
// the request's id when it has a usable one, else null). The connection keeps serving afterwards.
import {
  createConnection, ErrorCodes, type Connection, type Disposable, type Message, type MessageReader, type MessageWriter,
} from 'vscode-languageserver/node';

type DataCallback = (message: Message) => void;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function usableId(value: unknown): string | number | null {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)) ? value : null;
}

/** Why a decoded message is not valid JSON-RPC 2.0, or undefined when it is. */
export function invalidMessageReason(message: unknown): string | undefined {
  if (!isObject(message)) return `a JSON-RPC message must be an object, got ${Array.isArray(message) ? 'an array (batches are not supported)' : typeof message}`;
  if (message.jsonrpc !== '2.0') return 'the "jsonrpc" member must be "2.0"';
  if ('method' in message) {
    if (typeof message.method !== 'string' || message.method === '') return 'the "method" member must be a non-empty string';
    if ('id' in message && usableId(message.id) === null) return 'the "id" member must be a string or a number';
    if ('params' in message && message.params !== undefined && !Array.isArray(message.params) && !isObject(message.params)) {
      return 'the "params" member must be an object or an array';
    }
    return undefined;
  }
  if ('id' in message && ('result' in message || 'error' in message)) return undefined;
  return 'the message is neither a request, a notification nor a response';
}

/** A reader that answers invalid input itself and passes only valid messages on. */
class ValidatingReader implements MessageReader {
  constructor(private readonly inner: MessageReader, private readonly writer: MessageWriter) {}

  get onError() { return this.inner.onError; }
  get onClose() { return this.inner.onClose; }
  get onPartialMessage() { return this.inner.onPartialMessage; }

  listen(callback: DataCallback): Disposable {
    const errors = this.inner.onError((error) => {
      this.reply(null, ErrorCodes.ParseError, `Dropout Lab language server: could not read a message: ${error.message}`);
    });
    const listening = this.inner.listen((message) => {
      const reason = invalidMessageReason(message);
      if (reason === undefined) {
        callback(message);
        return;
      }
      const raw = message as unknown as Record<string, unknown> | undefined;
      this.reply(isObject(raw) ? usableId(raw.id) : null, ErrorCodes.InvalidRequest, `Dropout Lab language server: invalid request: ${reason}`);
    });
    return { dispose: () => { errors.dispose(); listening.dispose(); } };
  }

  dispose(): void {
    this.inner.dispose();
  }

  private reply(id: string | number | null, code: number, message: string): void {
    // A broken pipe while answering garbage is not worth crashing for.
    this.writer.write({ jsonrpc: '2.0', id, error: { code, message } } as Message).catch(() => undefined);
  }
}

/** A server-side connection over any reader/writer pair, with the bad-input guard above. */
export function createServerConnection(reader: MessageReader, writer: MessageWriter): Connection {
  return createConnection(new ValidatingReader(reader, writer), writer);
}
