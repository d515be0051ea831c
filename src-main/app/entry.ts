/** Electron main entry: wires the real services into the app shell. Everything else is in ./main.ts. */
import { app } from 'electron';
import { createServices } from '../services/create-services';
import { resolveDataDir } from '../services/data-dir';
import { startApp, type AppDependencies } from './main';
import { electronSqliteBinding } from './native';
import { readAppSettings } from './settings';
import { smokeTestRequest } from './smoke-request';
import { launchUtilityProcess } from './utility-process';

const deps: AppDependencies = {
  createServices: (options) =>
    createServices({
      ...options,
      isolation: readAppSettings(options.dataDir, (line) => console.error(line)).isolation,
      // Training processes, when isolated, are Electron utility processes (no separate Node is shipped).
      launchProcess: launchUtilityProcess,
      sqliteNativeBinding: electronSqliteBinding(__dirname),
    }),
  resolveDataDir: () => resolveDataDir(),
  mainDir: __dirname,
};

// `--smoke-test` checks a build and exits (docs/reliability.md A5); its code is loaded only then.
const smoke = smokeTestRequest(process.argv, process.env);
const started = smoke ? import('./smoke').then(({ runSmokeTestInApp }) => runSmokeTestInApp(deps, smoke)) : startApp(deps);
void started.catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

// Ctrl+C in `npm start`, or a system shutdown: take the same orderly path as the Quit menu.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => app.quit());
