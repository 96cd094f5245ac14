// Neovim's built-in LSP client, headless, attached to `dropout-lab server --stdio` on a model file:
// the diagnostics Neovim holds must be the CLI's findings (rule, line, column), with a setting
// passed the way a Neovim user configures it (`settings = { dropoutLab = { … } }`). Debian 12 ships Neovim 0.7, which has
// vim.lsp.start_client + buf_attach_client (vim.lsp.start is 0.8+, vim.lsp.config 0.11+); .ci/run
// installs it.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from '../lint/tempFiles';
import { REPO_ROOT, run } from './processes';

interface Finding {
  rule: string;
  line: number;
  column: number;
}

// Runs in `nvim --headless --clean`; reports through a JSON file and exits non-zero on failure.
const SCRIPT = `
local function finish(result, code)
  local file = io.open(os.getenv('DROPOUT_LAB_RESULT'), 'w')
  file:write(vim.fn.json_encode(result))
  file:close()
  vim.cmd(code == 0 and 'qall!' or ('cquit ' .. code))
end
local client_id = vim.lsp.start_client({
  name = 'dropout_lab',
  cmd = { os.getenv('DROPOUT_LAB_NODE'), os.getenv('DROPOUT_LAB_BIN'), 'server', '--stdio' },
  root_dir = vim.fn.getcwd(),
  settings = { dropoutLab = { ignore = { 'DRP015' } } },
  -- Neovim 0.7 answers workspace/configuration but does not declare it, so (as its docs advise and
  -- nvim-lspconfig does) the settings are pushed once initialized, before any file is opened.
  on_init = function(client)
    client.notify('workspace/didChangeConfiguration', { settings = client.config.settings })
  end,
})
if not client_id then finish({ error = 'vim.lsp.start_client failed' }, 3) end
vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('DROPOUT_LAB_FILE')))
vim.lsp.buf_attach_client(0, client_id)
-- The server publishes once per lint; wait (bounded) for that publish.
local published = vim.wait(120000, function() return #vim.diagnostic.get(0) > 0 end, 20)
if not published then finish({ error = 'no diagnostics from the server' }, 4) end
local found = {}
for _, d in ipairs(vim.diagnostic.get(0)) do
  table.insert(found, { code = d.code, lnum = d.lnum, col = d.col, source = d.source, message = d.message })
end
finish({ diagnostics = found, client = vim.lsp.get_client_by_id(client_id).name }, 0)
`;

describe('Neovim (headless, built-in LSP client)', function () {
  this.timeout(180_000);

  it('attaches dropout-lab server --stdio to a model file and shows the CLI\'s findings, honouring settings', () => {
    const version = run('nvim', ['--version'], REPO_ROOT);
    assert.strictEqual(version.code, 0, `Neovim is not installed (${version.stderr.trim()}): \`apt-get install neovim\`; .ci/run does`);
    const dir = tempDir('dropout-lab-nvim-');
    const model = path.join(dir, 'keras_models.py');
    fs.copyFileSync(path.join(REPO_ROOT, 'examples', 'keras_models.py'), model);
    const script = path.join(dir, 'attach.lua');
    fs.writeFileSync(script, SCRIPT);
    const resultFile = path.join(dir, 'result.json');

    const nvim = run('nvim', ['--headless', '--clean', '-n', '-c', `luafile ${script}`], dir, {
      DROPOUT_LAB_NODE: process.execPath,
      DROPOUT_LAB_BIN: path.join(REPO_ROOT, 'bin', 'dropout-lab.js'),
      DROPOUT_LAB_FILE: model,
      DROPOUT_LAB_RESULT: resultFile,
    }, 170_000);
    const result = fs.existsSync(resultFile) ? JSON.parse(fs.readFileSync(resultFile, 'utf8')) : undefined;
    assert.strictEqual(nvim.code, 0, `nvim exited ${nvim.code}: ${JSON.stringify(result)}\n${nvim.stdout}\n${nvim.stderr}`);
    const diagnostics = result.diagnostics as { code: string; lnum: number; col: number; source: string }[];
    assert.ok(diagnostics.every((d) => d.source === 'Dropout Lab'), JSON.stringify(diagnostics));

    // The CLI on the same file with the same setting: Neovim's 0-based lnum/col are its line/column - 1
    // (the example is ASCII, so Neovim's byte columns equal LSP's UTF-16 ones).
    const cli = run(process.execPath, [path.join(REPO_ROOT, 'bin', 'dropout-lab.js'), 'lint', model, '--format', 'json', '--ignore', 'DRP015'], dir);
    const expected = (JSON.parse(cli.stdout) as Finding[]).map((f) => [f.rule, f.line, f.column]);
    const seen = diagnostics.map((d) => [d.code, d.lnum + 1, d.col + 1]).sort((a, b) => (a[1] as number) - (b[1] as number) || (a[2] as number) - (b[2] as number));
    assert.deepStrictEqual(seen, expected);
    assert.ok(expected.length >= 3, `the example should have several findings, got ${JSON.stringify(expected)}`);

    // Without the setting the CLI also reports DRP015 here, so the setting reached the server.
    const unfiltered = run(process.execPath, [path.join(REPO_ROOT, 'bin', 'dropout-lab.js'), 'lint', model, '--format', 'json'], dir);
    assert.ok((JSON.parse(unfiltered.stdout) as Finding[]).some((f) => f.rule === 'DRP015'), 'the example has no DRP015 finding to ignore');
  });
});
