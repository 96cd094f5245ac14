#!/usr/bin/env node
// Thin launcher so `npx dropout-lab` / the `bin` entry run the bundled CLI.
require('../dist/cli.js');
