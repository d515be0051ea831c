import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Session, WebContents } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { hardenSession, hardenWebContents, setupSecurity } from '../../src-main/app/security';
import { resolveAppPage } from '../../src-main/app/page';
import { fake, FakeEvent, FakeSession, FakeWebContents, resetFake } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).fake);

const indexHtml = path.resolve('/opt/epochlab/out/renderer/index.html');
const page = resolveAppPage({ isPackaged: true, devServerUrl: undefined, indexHtml });
const appUrl = pathToFileURL(indexHtml).href;

beforeEach(() => resetFake());

function asSession(s: FakeSession): Session {
  return s as unknown as Session;
}
function asContents(c: FakeWebContents): WebContents {
  return c as unknown as WebContents;
}

describe('hardenSession', () => {
  it('denies every permission request and check', () => {
    const ses = new FakeSession();
    hardenSession(asSession(ses), page);
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read']) {
      const callback = vi.fn();
      ses.permissionRequestHandler?.(null, permission, callback);
      expect(callback).toHaveBeenCalledWith(false);
    }
    expect(ses.permissionCheckHandler?.()).toBe(false);
    expect(ses.devicePermissionHandler?.()).toBe(false);
  });

  it('cancels network requests and files outside the renderer', () => {
    const ses = new FakeSession();
    hardenSession(asSession(ses), page);
    const decide = (url: string) => {
      const callback = vi.fn();
      ses.beforeRequest?.({ url }, callback);
      return callback.mock.calls[0][0] as { cancel: boolean };
    };
    expect(decide('https://evil.example/x')).toEqual({ cancel: true });
    expect(decide(pathToFileURL(path.resolve('/etc/passwd')).href)).toEqual({ cancel: true });
    expect(decide(pathToFileURL(path.resolve('/opt/epochlab/out/renderer/assets/a.js')).href)).toEqual({ cancel: false });
  });

  it('puts a strict CSP on page responses, replacing any other', () => {
    const ses = new FakeSession();
    hardenSession(asSession(ses), page);
    const callback = vi.fn();
    ses.headersReceived?.({ resourceType: 'mainFrame', responseHeaders: { 'content-security-policy': ["default-src *"], 'X-Other': ['1'] } }, callback);
    const headers = (callback.mock.calls[0][0] as { responseHeaders: Record<string, string[]> }).responseHeaders;
    expect(headers['content-security-policy']).toBeUndefined();
    expect(headers['X-Other']).toEqual(['1']);
    const csp = headers['Content-Security-Policy'][0];
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
  });
});

describe('hardenWebContents', () => {
  it('prevents navigation away from the app page, and hands http(s) to the browser', () => {
    const contents = new FakeWebContents();
    const openExternal = vi.fn();
    hardenWebContents(asContents(contents), page, openExternal);

    const away = new FakeEvent('https://evil.example/');
    contents.emit('will-navigate', away);
    expect(away.defaultPrevented).toBe(true);
    expect(openExternal).toHaveBeenCalledWith('https://evil.example/');

    const file = new FakeEvent(pathToFileURL(path.resolve('/etc/passwd')).href);
    contents.emit('will-navigate', file);
    expect(file.defaultPrevented).toBe(true);
    expect(openExternal).toHaveBeenCalledTimes(1);

    const self = new FakeEvent(`${appUrl}#/compare`);
    contents.emit('will-navigate', self);
    expect(self.defaultPrevented).toBe(false);

    const frame = new FakeEvent('https://evil.example/frame');
    contents.emit('will-frame-navigate', frame);
    expect(frame.defaultPrevented).toBe(true);
    const redirect = new FakeEvent('https://evil.example/r');
    contents.emit('will-redirect', redirect);
    expect(redirect.defaultPrevented).toBe(true);
  });

  it('denies every window.open and opens only http(s) externally', () => {
    const contents = new FakeWebContents();
    const openExternal = vi.fn();
    hardenWebContents(asContents(contents), page, openExternal);
    for (const url of ['https://arxiv.org/abs/1609.04836', 'file:///etc/passwd', 'javascript:alert(1)', appUrl, 'smb://host/share']) {
      expect(contents.windowOpenHandler?.({ url })).toEqual({ action: 'deny' });
    }
    expect(openExternal.mock.calls).toEqual([['https://arxiv.org/abs/1609.04836']]);
  });

  it('refuses webviews', () => {
    const contents = new FakeWebContents();
    hardenWebContents(asContents(contents), page, vi.fn());
    const event = new FakeEvent();
    contents.emit('will-attach-webview', event);
    expect(event.defaultPrevented).toBe(true);
  });
});

describe('setupSecurity', () => {
  it('hardens the default session and every webContents created later', () => {
    setupSecurity(page);
    expect(fake.session.defaultSession.permissionRequestHandler).not.toBeNull();
    const contents = new FakeWebContents();
    fake.app.emit('web-contents-created', {}, contents);
    expect(contents.windowOpenHandler?.({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    expect(fake.shell.openExternal).toHaveBeenCalledWith('https://example.com');
    const ses = new FakeSession();
    fake.app.emit('session-created', ses);
    expect(ses.permissionCheckHandler?.()).toBe(false);
  });
});
