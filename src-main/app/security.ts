/**
 * Hardening applied to every session and every webContents, not just the main window, so a page that
 * somehow opens a frame or a webview gets the same rules (docs/reliability.md A2, A3).
 */
import { app, session, shell, type Session, type WebContents } from 'electron';
import { contentSecurityPolicy } from '../contract/csp';
import { isAllowedRequest, isAppPageUrl, isExternalHttpUrl, type AppPage } from './page';

export type OpenExternal = (url: string) => void;

function openExternally(url: string): void {
  void shell.openExternal(url).catch(() => undefined);
}

/** No camera, microphone, notifications, USB…: Epochlab needs none of them. */
export function hardenSession(ses: Session, page: AppPage): void {
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);

  ses.webRequest.onBeforeRequest((details, callback) => {
    callback({ cancel: !isAllowedRequest(page, details.url) });
  });

  // index.html carries the same policy in a meta tag; the header also covers the dev server's pages.
  const devHost = page.kind === 'dev' ? new URL(page.origin).host : undefined;
  const csp = contentSecurityPolicy(devHost);
  ses.webRequest.onHeadersReceived((details, callback) => {
    if (details.resourceType !== 'mainFrame' && details.resourceType !== 'subFrame') {
      callback({});
      return;
    }
    const headers = { ...(details.responseHeaders ?? {}) };
    for (const name of Object.keys(headers)) if (name.toLowerCase() === 'content-security-policy') delete headers[name];
    headers['Content-Security-Policy'] = [csp];
    callback({ responseHeaders: headers });
  });
}

/**
 * The page may not navigate anywhere but to itself, may not open windows, and may not attach webviews.
 * http(s) links meant for a browser go to the system browser instead.
 */
export function hardenWebContents(contents: WebContents, page: AppPage, openExternal: OpenExternal = openExternally): void {
  const handOut = (url: string): void => {
    if (isExternalHttpUrl(url)) openExternal(url);
  };
  const guard = (event: { preventDefault(): void }, url: string): void => {
    if (isAppPageUrl(page, url)) return;
    event.preventDefault();
    handOut(url);
  };
  contents.on('will-navigate', (event) => guard(event, event.url));
  contents.on('will-frame-navigate', (event) => {
    if (!isAppPageUrl(page, event.url)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!isAppPageUrl(page, event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    handOut(url);
    return { action: 'deny' };
  });
}

/** Registers the hardening; call before any window exists. */
export function setupSecurity(page: AppPage): void {
  hardenSession(session.defaultSession, page);
  app.on('session-created', (ses) => hardenSession(ses, page));
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, page));
}
