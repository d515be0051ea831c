import { describe, expect, it } from 'vitest';
import { cliCommand, shellWord } from '../../../src-renderer/src/lib/cli-command';

describe('cliCommand', () => {
  it('adds --data-dir when the server was started with one, and only then', () => {
    expect(cliCommand(['resume', 3], { cliDataDir: '/srv/epochlab data' })).toBe("epochlab --data-dir '/srv/epochlab data' resume 3");
    expect(cliCommand(['show', 16], { cliDataDir: null })).toBe('epochlab show 16');
    expect(cliCommand(['show', 16], null)).toBe('epochlab show 16');
  });
  it('quotes words a shell would split or expand', () => {
    expect(shellWord('plain-word_1.0')).toBe('plain-word_1.0');
    expect(shellWord('two words')).toBe("'two words'");
    expect(shellWord("it's $HOME")).toBe("'it'\\''s $HOME'");
    expect(shellWord('')).toBe("''");
  });
});
