// Indexing a large project: the project index summarises every module of the given folders
// (torch + torchvision), as the editor does in the background for its workspace folders.
// Emits { ms, files, lines } for one cold pass (summaries are cached by content: a second pass
// over the same text would only measure the cache).
const path = require('path');
const { main, now } = require('./common');

main(async (a) => {
  const lint = require(a.bundle);
  await lint.loadPython(path.join(__dirname, '..', '..', 'dist'));
  const index = new lint.ProjectIndex();
  const t0 = now();
  let files = 0;
  let lines = 0;
  for (const dir of String(a.dirs).split(',')) {
    const stats = index.indexFolder(dir);
    files += stats.files;
    lines += stats.lines;
  }
  return { ms: Math.round(now() - t0), files, lines };
});
