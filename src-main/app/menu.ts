/** The application menu. Reload and DevTools exist only in development builds. */
import { Menu, type MenuItemConstructorOptions } from 'electron';
import { DATASET_FORMATS, DATASET_IMPORT_FORMATS, type DatasetImportFormat } from '../contract/dataset-formats';

export interface MenuActions {
  importDataset(format: DatasetImportFormat): void;
  openDataFolder(): void;
  about(): void;
  quit(): void;
}

export interface MenuContext {
  isDev: boolean;
  platform: NodeJS.Platform;
  appName: string;
}

export function buildMenuTemplate(actions: MenuActions, context: MenuContext): MenuItemConstructorOptions[] {
  const mac = context.platform === 'darwin';
  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      {
        label: 'Import dataset',
        submenu: DATASET_IMPORT_FORMATS.map((format) => ({ label: `${DATASET_FORMATS[format].label}…`, click: () => actions.importDataset(format) })),
      },
      { label: 'Open data folder', click: () => actions.openDataFolder() },
      // On macOS, Quit lives in the application menu.
      ...(mac ? [] : [{ type: 'separator' }, { label: 'Quit', accelerator: 'Ctrl+Q', click: () => actions.quit() }] satisfies MenuItemConstructorOptions[]),
    ],
  };
  // Without an Edit menu, copy and paste shortcuts do nothing in text fields on macOS.
  const edit: MenuItemConstructorOptions = {
    label: 'Edit',
    submenu: [
      { role: 'undo' }, { role: 'redo' }, { type: 'separator' },
      { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' },
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      ...(context.isDev ? [{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }] satisfies MenuItemConstructorOptions[] : []),
      { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' },
    ],
  };
  const help: MenuItemConstructorOptions = {
    label: 'Help',
    submenu: [{ label: `About ${context.appName}`, click: () => actions.about() }],
  };
  const template: MenuItemConstructorOptions[] = [file, edit, view, help];
  if (mac) {
    template.unshift({
      label: context.appName,
      submenu: [
        { label: `About ${context.appName}`, click: () => actions.about() },
        { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' },
        { label: `Quit ${context.appName}`, accelerator: 'Cmd+Q', click: () => actions.quit() },
      ],
    });
  }
  return template;
}

export function setupMenu(actions: MenuActions, context: MenuContext): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(buildMenuTemplate(actions, context)));
}
