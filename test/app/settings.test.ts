import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readAppSettings } from '../../src-main/app/settings';

let dir: string;
let log: string[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'epochlab-settings-'));
  log = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const read = () => readAppSettings(dir, (line) => log.push(line));

describe('readAppSettings', () => {
  it('is empty without a file, and says nothing', () => {
    expect(read()).toEqual({});
    expect(log).toEqual([]);
  });

  it('reads the isolation', () => {
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ isolation: 'process' }));
    expect(read()).toEqual({ isolation: 'process' });
  });

  it.each([
    ['{ not json', /is not valid JSON/],
    [JSON.stringify({ isolation: 'fork' }), /isolation: isolation must be one of: thread, process; using the default settings/],
    [JSON.stringify({ isolation: 'thread', colour: 'red' }), /Unrecognized key.*colour/],
    [JSON.stringify([1]), /\(file\)/],
  ])('reports and ignores a bad file: %s', (text, message) => {
    writeFileSync(join(dir, 'settings.json'), text);
    expect(read()).toEqual({});
    expect(log.join('\n')).toMatch(message);
  });
});
