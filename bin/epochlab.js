#!/usr/bin/env node
'use strict';
// The `epochlab` command: runs the bundled CLI built by `npm run build:node` (npm install runs it for you).
const path = require('node:path');
const fs = require('node:fs');
const cli = path.join(__dirname, '..', 'out', 'node', 'cli.js');
if (!fs.existsSync(cli)) {
  process.stderr.write('epochlab: not built yet: run `npm run build:node` in ' + path.join(__dirname, '..') + '\n');
  process.exit(1);
}
require(cli);
