// The language server as `dropout-lab server --stdio` runs it, bundled and minified like the CLI,
// for the keystroke benchmark (edit → diagnostics published, measured from a client process).
import { startStdioServer } from '../../src/server/stdio';

// The bundle sits in bench/.build: the parser wasm files are in the repository's dist/.
startStdioServer({ wasmDir: require('path').join(__dirname, '..', '..', 'dist') });
