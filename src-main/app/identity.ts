/**
 * How the app presents itself: the window icon and the About panel. The icons are drawn by
 * scripts/build-icons.mjs into build/icons; electron-builder.yml puts the installers' icons in place and
 * packages the window icon as resources/icon.png for Linux.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { app, dialog, type MessageBoxOptions } from 'electron';

/** The Linux window icon inside a packaged app (electron-builder.yml `linux.extraResources`). */
export const PACKAGED_WINDOW_ICON = 'icon.png';
/** The same icon in a clone, after `npm run build:icons` (relative to the repository root). */
export const DEV_WINDOW_ICON = 'build/icons/png/256x256.png';

export interface IconContext {
  platform: NodeJS.Platform;
  isPackaged: boolean;
  /** process.resourcesPath in a packaged app. */
  resourcesPath: string | undefined;
  /** The main bundle's folder, out/main, two levels below the repository root. */
  mainDir: string;
  exists?: (file: string) => boolean;
}

/**
 * The icon a window should be given, or undefined to leave it to the system: macOS takes the bundle's
 * icon.icns, and a packaged Windows app the icon compiled into its .exe. Linux windows have no icon unless
 * given one, and `npm start` would otherwise show Electron's.
 */
export function windowIconPath(context: IconContext): string | undefined {
  if (context.platform === 'darwin') return undefined;
  let file: string;
  if (context.isPackaged) {
    if (context.platform === 'win32' || !context.resourcesPath) return undefined;
    file = path.join(context.resourcesPath, PACKAGED_WINDOW_ICON);
  } else {
    file = path.join(context.mainDir, '..', '..', ...DEV_WINDOW_ICON.split('/'));
  }
  return (context.exists ?? existsSync)(file) ? file : undefined;
}

export interface AboutContext {
  version: string;
  versions: NodeJS.ProcessVersions;
  dataDir: string;
  icon: string | undefined;
}

/** As electron-builder.yml `copyright` (a test keeps them in step). */
export const COPYRIGHT = 'Copyright © Epochlab contributors';
const TAGLINE = 'Offline experiment manager for neural-network training.';

function runtimeLine(versions: NodeJS.ProcessVersions): string {
  return `Electron ${versions.electron ?? '?'} · Chromium ${versions.chrome ?? '?'} · Node ${versions.node}`;
}

/** The system About panel (macOS's app menu, Linux), in case anything opens it. */
export function setAboutPanel(context: AboutContext): void {
  app.setAboutPanelOptions({
    applicationName: 'Epochlab',
    applicationVersion: context.version,
    version: runtimeLine(context.versions),
    copyright: COPYRIGHT,
    credits: TAGLINE,
    ...(context.icon ? { iconPath: context.icon } : {}),
  });
}

/** Help → About (and Epochlab → About on macOS): the version first, then what a bug report needs. */
export function aboutDialog(context: AboutContext): MessageBoxOptions {
  return {
    type: 'info',
    title: 'About Epochlab',
    message: `Epochlab ${context.version}`,
    detail: `${TAGLINE}\n\n${runtimeLine(context.versions)}\nData folder: ${context.dataDir}\n\n${COPYRIGHT}`,
    buttons: ['OK'],
    noLink: true,
    ...(context.icon ? { icon: context.icon } : {}),
  };
}

export function showAbout(context: AboutContext): void {
  void dialog.showMessageBox(aboutDialog(context));
}
