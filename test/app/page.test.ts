import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isAllowedRequest, isAppPageUrl, isExternalHttpUrl, resolveAppPage } from '../../src-main/app/page';

const indexHtml = path.resolve('/opt/epochlab/out/renderer/index.html');
const filePage = resolveAppPage({ isPackaged: true, devServerUrl: 'http://localhost:5173', indexHtml });
const devPage = resolveAppPage({ isPackaged: false, devServerUrl: 'http://localhost:5173/', indexHtml });

describe('resolveAppPage', () => {
  it('ignores the dev server URL in a packaged app', () => {
    expect(filePage).toEqual({ kind: 'file', indexHtml, url: pathToFileURL(indexHtml).href, rendererDir: path.dirname(indexHtml) });
  });

  it('uses the dev server when unpackaged, only for http(s)', () => {
    expect(devPage).toEqual({ kind: 'dev', url: 'http://localhost:5173/', origin: 'http://localhost:5173' });
    expect(resolveAppPage({ isPackaged: false, devServerUrl: 'javascript:alert(1)', indexHtml }).kind).toBe('file');
    expect(resolveAppPage({ isPackaged: false, devServerUrl: undefined, indexHtml }).kind).toBe('file');
  });
});

describe('isAppPageUrl', () => {
  it('accepts the index file with any hash or query, and nothing else', () => {
    const url = pathToFileURL(indexHtml).href;
    expect(isAppPageUrl(filePage, url)).toBe(true);
    expect(isAppPageUrl(filePage, `${url}#/experiments/3`)).toBe(true);
    expect(isAppPageUrl(filePage, pathToFileURL(path.resolve('/opt/epochlab/out/renderer/other.html')).href)).toBe(false);
    expect(isAppPageUrl(filePage, pathToFileURL(path.resolve('/tmp/index.html')).href)).toBe(false);
    expect(isAppPageUrl(filePage, 'https://evil.example/index.html')).toBe(false);
    expect(isAppPageUrl(filePage, 'not a url')).toBe(false);
  });

  it('accepts the dev server origin only', () => {
    expect(isAppPageUrl(devPage, 'http://localhost:5173/#/runs')).toBe(true);
    expect(isAppPageUrl(devPage, 'http://localhost:5174/')).toBe(false);
    expect(isAppPageUrl(devPage, 'http://localhost.evil.example:5173/')).toBe(false);
  });
});

describe('isExternalHttpUrl', () => {
  it('is true for http(s) only', () => {
    expect(isExternalHttpUrl('https://arxiv.org/abs/1609.04836')).toBe(true);
    expect(isExternalHttpUrl('http://example.com')).toBe(true);
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'ms-settings:', 'mailto:a@b.c', 'nonsense']) {
      expect(isExternalHttpUrl(url), url).toBe(false);
    }
  });
});

describe('isAllowedRequest', () => {
  it('lets the packaged page load its own files only', () => {
    expect(isAllowedRequest(filePage, pathToFileURL(path.resolve('/opt/epochlab/out/renderer/assets/index-abc.js')).href)).toBe(true);
    expect(isAllowedRequest(filePage, pathToFileURL(path.resolve('/etc/passwd')).href)).toBe(false);
    expect(isAllowedRequest(filePage, pathToFileURL(path.resolve('/opt/epochlab/out/main/index.js')).href)).toBe(false);
    expect(isAllowedRequest(filePage, 'https://evil.example/collect?d=1')).toBe(false);
    expect(isAllowedRequest(filePage, 'ws://127.0.0.1:9000')).toBe(false);
    expect(isAllowedRequest(filePage, 'data:image/png;base64,AAAA')).toBe(true);
  });

  it('lets the dev page talk to the dev server (http and HMR socket) only', () => {
    expect(isAllowedRequest(devPage, 'http://localhost:5173/src/main.ts')).toBe(true);
    expect(isAllowedRequest(devPage, 'ws://localhost:5173/')).toBe(true);
    expect(isAllowedRequest(devPage, 'http://localhost:8080/')).toBe(false);
    expect(isAllowedRequest(devPage, 'https://localhost:5173/')).toBe(false);
    expect(isAllowedRequest(devPage, pathToFileURL(path.resolve('/etc/passwd')).href)).toBe(false);
  });
});
