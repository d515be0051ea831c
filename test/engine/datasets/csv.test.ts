import { describe, expect, it } from 'vitest';
import { parseCsvText, readCsvFile } from '../../../src-main/engine/datasets/csv';
import { DatasetError } from '../../../src-main/engine/datasets/catalog';
import { useTempDir, writeFile } from './helpers';

const parse = (text: string, options = {}) => parseCsvText(text, 'test.csv', options);
const refusal = (text: string, options = {}) => {
  try {
    parse(text, options);
  } catch (err) {
    expect(err).toBeInstanceOf(DatasetError);
    return (err as Error).message;
  }
  throw new Error('expected a refusal');
};

describe('CSV parsing', () => {
  const dir = useTempDir();

  it('reads a header, numeric features and string labels (classes sorted)', () => {
    const t = parse('a,b,species\n1,2,versicolor\n3.5,-4e1,setosa\n5,6,versicolor\n');
    expect(t.hasHeader).toBe(true);
    expect(t.featureNames).toEqual(['a', 'b']);
    expect(t.labelName).toBe('species');
    expect(Array.from(t.x)).toEqual([1, 2, 3.5, -40, 5, 6]);
    expect(t.classNames).toEqual(['setosa', 'versicolor']);
    expect(Array.from(t.y)).toEqual([1, 0, 1]);
  });

  it('handles BOM, CRLF, quoted fields with newlines and blank lines', () => {
    const t = parse('\ufeffx,"y\nz",label\r\n\r\n"1","2",cat\r\n3,4,"do\r\ng"\r\n');
    expect(t.featureNames).toEqual(['x', 'y\nz']);
    expect(Array.from(t.x)).toEqual([1, 2, 3, 4]);
    expect(t.classNames).toEqual(['cat', 'do\r\ng']);
  });

  it('detects a missing header and uses the last column as label, numeric labels sorted by value', () => {
    const t = parse('0.1,0.2,10\n0.3,0.4,2\n0.5,0.6,2.0\n');
    expect(t.hasHeader).toBe(false);
    expect(t.rows).toBe(3);
    expect(t.classNames).toEqual(['2', '10']);
    expect(Array.from(t.y)).toEqual([1, 0, 0]);
  });

  it('finds a label column by conventional name, by given name and by index', () => {
    expect(parse('target,f1,f2\na,1,2\nb,3,4\n').labelName).toBe('target');
    const byName = parse('f1,Kind,f2\n1,a,2\n3,b,4\n', { labelColumn: 'kind' });
    expect(Array.from(byName.x)).toEqual([1, 2, 3, 4]);
    const byIndex = parse('1,a,2\n3,b,4\n', { labelColumn: 1 });
    expect(byIndex.hasHeader).toBe(false);
    expect(byIndex.classNames).toEqual(['a', 'b']);
  });

  it('honours a forced header choice', () => {
    expect(parse('1,2,3\n4,5,6\n', { header: true }).featureNames).toEqual(['1', '2']);
    expect(refusal('x,y,label\n1,2,a\n', { header: false })).toMatch(/row 1 \(line 1\), column 1 \("column 1"\): expected a finite number, got "x"/);
  });

  it.each([
    ['abc', 'a,b,label\n1,abc,x\n', /row 1 \(line 2\), column 2 \("b"\): expected a finite number, got "abc"/],
    ['NaN', 'a,b,label\n1,2,x\nNaN,2,y\n', /row 2 \(line 3\), column 1 \("a"\).*got "NaN"/],
    ['inf', 'a,b,label\n1,inf,x\n', /column 2.*got "inf"/],
    ['Infinity', 'a,b,label\n1,Infinity,x\n', /got "Infinity"/],
    ['empty cell', 'a,b,label\n1,,x\n', /column 2.*got ""/],
    ['hex', 'a,b,label\n1,0x1f,x\n', /got "0x1f"/],
    ['float32 overflow', 'a,b,label\n1,1e39,x\n', /out of 32-bit float range/],
    ['empty label', 'a,b,label\n1,2, \n', /row 1 \(line 2\), label column "label": the label is empty/],
  ])('refuses a %s cell with row and column', (_name, text, message) => {
    expect(refusal(text)).toMatch(message);
  });

  it('suggests the label column when text turns up in a feature column', () => {
    expect(refusal('setosa,5.1,3.5\nvirginica,6.2,3.4\n')).toMatch(/column 1 \("setosa"\): expected a finite number, got "virginica"; if this column holds the labels, choose it as the label column \(index 0\)/);
    expect(parse('setosa,5.1,3.5\nvirginica,6.2,3.4\n', { labelColumn: 0 }).classNames).toEqual(['setosa', 'virginica']);
  });

  it('refuses ragged rows with the row number', () => {
    expect(refusal('a,b,label\n1,2,x\n3,4\n')).toMatch(/row 2 \(line 3\) has 2 columns, expected 3 like the header/);
    expect(refusal('1,2,x\n3,4,5,y\n')).toMatch(/row 2 \(line 2\) has 4 columns, expected 3 like the first row/);
  });

  it('refuses empty, header-only and single-column files', () => {
    expect(refusal('')).toMatch(/test\.csv: the file is empty/);
    expect(refusal('\n\n')).toMatch(/the file is empty/);
    expect(refusal('a,b,label\n')).toMatch(/header row but no data rows/);
    expect(refusal('1\n2\n')).toMatch(/feature columns and a label column/);
  });

  it('refuses unknown label columns, clearly', () => {
    expect(refusal('a,b,c\n1,2,3\n', { labelColumn: 'species' })).toMatch(/no column named "species"; the header has "a", "b", "c"/);
    expect(refusal('1,2,3\n', { labelColumn: 3 })).toMatch(/label column index 3 is out of range; columns are numbered 0 to 2/);
    expect(refusal('1,2,3\n', { labelColumn: 'c', header: false })).toMatch(/given by name, but the file is read without a header/);
  });

  it('refuses malformed quoting with the file name', () => {
    expect(refusal('a,b,label\n1,"2,x\n')).toMatch(/^test\.csv: Quote Not Closed/);
  });

  it('refuses a label column that looks like a continuous target', () => {
    const rows = Array.from({ length: 1002 }, (_, i) => `${i},${i / 7}`).join('\n');
    expect(refusal(`x,target\n${rows}\n`)).toMatch(/more than 1000 distinct values; Epochlab trains classifiers/);
  });

  it('streams a file from disk with the same rules', async () => {
    const path = writeFile(dir(), 'data.csv', 'f1,f2,label\r\n1,2,b\r\n3,4,a\r\n');
    const t = await readCsvFile(path);
    expect(Array.from(t.x)).toEqual([1, 2, 3, 4]);
    expect(t.classNames).toEqual(['a', 'b']);
    const bad = writeFile(dir(), 'bad.csv', 'f1,f2,label\n1,2,b\n3,oops,a\n');
    await expect(readCsvFile(bad)).rejects.toThrow(/bad\.csv: row 2 \(line 3\), column 2 \("f2"\): expected a finite number, got "oops"/);
    await expect(readCsvFile(writeFile(dir(), 'empty.csv', ''))).rejects.toThrow(/empty\.csv: the file is empty/);
    await expect(readCsvFile(`${dir()}/missing.csv`)).rejects.toThrow(DatasetError);
  });

  it('streams a file larger than its chunk size row by row', async () => {
    const lines = ['a,b,label'];
    for (let i = 0; i < 12_000; i++) lines.push(`${i},${-i},${i % 3 === 0 ? 'x' : 'y'}`);
    const t = await readCsvFile(writeFile(dir(), 'big.csv', lines.join('\n')));
    expect(t.rows).toBe(12_000);
    expect(t.x[2 * 11_999]).toBe(11_999);
    expect(t.x[2 * 11_999 + 1]).toBe(-11_999);
    expect(t.y.filter((k) => k === 0).length).toBe(4_000);
  });
});
