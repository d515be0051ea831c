import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isInsideDir } from '../../src-main/services/paths';

describe('isInsideDir', () => {
  it('on Windows: drive letters, case, spaces, non-ASCII names, other drives and UNC shares', () => {
    const dir = 'C:\\Users\\Zoë Müller\\AppData\\Roaming\\Epochlab';
    const inside = (target: string) => isInsideDir(dir, target, path.win32);
    expect(inside(`${dir}\\checkpoints\\run-1`)).toBe(true);
    expect(inside('c:\\users\\ZOË MÜLLER\\appdata\\roaming\\epochlab\\checkpoints')).toBe(true);
    expect(inside(`${dir}/checkpoints/run-1`)).toBe(true);
    expect(inside(`${dir}\\..notes`)).toBe(true);
    expect(inside(dir)).toBe(false);
    expect(inside(`${dir}\\`)).toBe(false);
    expect(inside(`${dir}2\\checkpoints`)).toBe(false);
    expect(inside(`${dir}\\checkpoints\\..\\..\\Other`)).toBe(false);
    expect(inside('D:\\Users\\Zoë Müller\\AppData\\Roaming\\Epochlab\\x')).toBe(false);
    expect(inside('\\\\nas\\share\\Epochlab\\x')).toBe(false);
    expect(isInsideDir('D:\\', 'D:\\checkpoints', path.win32)).toBe(true);
  });

  it('on POSIX: prefixes, dot-dot names, the folder itself and macOS Application Support', () => {
    const dir = '/Users/ana/Library/Application Support/Epochlab';
    const inside = (target: string) => isInsideDir(dir, target, path.posix);
    expect(inside(`${dir}/checkpoints/run-1`)).toBe(true);
    expect(inside(`${dir}/..notes`)).toBe(true);
    expect(inside(dir)).toBe(false);
    expect(inside(`${dir} 2/checkpoints`)).toBe(false);
    expect(inside(`${dir}/../Epochlab2`)).toBe(false);
    expect(inside('/Users/ana/library/application support/epochlab/x')).toBe(false);
    expect(isInsideDir('/', '/etc', path.posix)).toBe(true);
  });
});
