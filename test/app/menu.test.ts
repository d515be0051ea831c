import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { buildMenuTemplate, setupMenu, type MenuActions } from '../../src-main/app/menu';
import { fake } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).fake);

function actions(): MenuActions {
  return { importDataset: vi.fn(), openDataFolder: vi.fn(), about: vi.fn(), quit: vi.fn() };
}
function items(template: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return template.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? items(item.submenu) : [])]);
}
function click(item: MenuItemConstructorOptions | undefined): void {
  if (!item?.click) throw new Error('no click');
  (item.click as () => void)();
}

describe('buildMenuTemplate', () => {
  it('offers import per format, the data folder, quit and about', () => {
    const a = actions();
    const all = items(buildMenuTemplate(a, { isDev: false, platform: 'linux', appName: 'Epochlab' }));
    const byLabel = (label: string) => all.find((i) => i.label?.startsWith(label));
    click(byLabel('IDX'));
    click(byLabel('CSV'));
    click(byLabel('NPY'));
    click(byLabel('Image folder'));
    expect((a.importDataset as ReturnType<typeof vi.fn>).mock.calls).toEqual([['idx'], ['csv'], ['npy'], ['image-folder']]);
    click(byLabel('Open data folder'));
    expect(a.openDataFolder).toHaveBeenCalled();
    click(byLabel('Quit'));
    expect(a.quit).toHaveBeenCalled();
    click(byLabel('About'));
    expect(a.about).toHaveBeenCalled();
  });

  it('has reload and devtools in development only', () => {
    const roles = (isDev: boolean) => items(buildMenuTemplate(actions(), { isDev, platform: 'win32', appName: 'Epochlab' })).map((i) => i.role);
    expect(roles(true)).toEqual(expect.arrayContaining(['reload', 'toggleDevTools']));
    expect(roles(false)).not.toContain('reload');
    expect(roles(false)).not.toContain('toggleDevTools');
    expect(roles(false)).toEqual(expect.arrayContaining(['copy', 'paste']));
  });

  it('puts Quit in the application menu on macOS, once', () => {
    const template = buildMenuTemplate(actions(), { isDev: false, platform: 'darwin', appName: 'Epochlab' });
    expect(template[0].label).toBe('Epochlab');
    expect(items(template).filter((i) => i.label?.startsWith('Quit'))).toHaveLength(1);
  });
});

describe('setupMenu', () => {
  it('installs the menu', () => {
    setupMenu(actions(), { isDev: false, platform: 'linux', appName: 'Epochlab' });
    expect(fake.Menu.setApplicationMenu).toHaveBeenCalledTimes(1);
  });
});
