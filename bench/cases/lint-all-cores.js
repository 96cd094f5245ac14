// The lint corpus through the CLI as a user runs it: `dropout-lab lint DIRS --format json`, with
// the default --jobs (every core) and the project index. Emits { linesPerSec, jobs, ms, lines }.
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { main, now } = require('./common');

function countLines(file) {
  const text = fs.readFileSync(file, 'utf8');
  let lines = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  return text.length && !text.endsWith('\n') ? lines + 1 : lines;
}

main(async (a) => {
  const files = JSON.parse(fs.readFileSync(a.files, 'utf8'));
  const lines = files.reduce((sum, file) => sum + countLines(file), 0);
  const cli = path.join(__dirname, '..', '..', 'bin', 'dropout-lab.js');
  const t0 = now();
  const r = spawnSync(process.execPath, [cli, 'lint', '--format', 'json', ...String(a.dirs).split(',')], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = now() - t0;
  if (r.status !== 0 && r.status !== 1) return { error: `dropout-lab lint exited ${r.status}: ${(r.stderr || '').split('\n')[0]}` };
  const jobs = os.availableParallelism ? os.availableParallelism() : os.cpus().length;
  return { linesPerSec: lines / (ms / 1000), jobs, ms: Math.round(ms), lines, findings: JSON.parse(r.stdout || '[]').length };
});
