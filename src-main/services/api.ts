/**
 * The service implementation of the contract's API, composed from one module per area, behind the one
 * place where API input is validated (docs/architecture.md, "Validation"). Front doors — IPC, HTTP, the
 * CLI — all call the object `createApi` returns; the area modules are typed on `ApiInput` and never parse.
 */
import {
  parseApiInput, type ApiInput, type ApiMethod, type ApiOutputs, type EpochlabApi, type SystemInfo,
} from '../contract';
import type { RunStore } from '../store';
import { annotationsApi } from './annotations-api';
import { analysisApi } from './analysis-api';
import { datasetsApi } from './datasets-api';
import type { EventHub } from './events';
import { experimentsApi } from './experiments-api';
import type { ExperimentRunner } from './runner';
import { runsApi } from './runs-api';
import type { UploadArea } from './uploads';
import type { StudyService } from './study';
import { studyApi } from './study-api';

export interface ApiDeps {
  store: RunStore;
  runner: ExperimentRunner;
  study: StudyService;
  dataDir: string;
  systemInfo: () => Promise<SystemInfo>;
  /** Why this process may not start, resume or delete experiments (it only reads, or another owns the folder); null when it may. */
  trainingRefusal: string | null;
  events: EventHub;
  /** Serve-mode uploads; null when this process may not write to the data folder. */
  uploads: UploadArea | null;
  /** The bundled worker entry: imports run there, off the thread that answers requests. */
  workerScript: string;
}

/** What an area module implements: methods on input that has already been validated. */
export type ApiImplementation = { [M in ApiMethod]: (input: ApiInput<M>) => Promise<ApiOutputs[M]> };

export function createApi(deps: ApiDeps): EpochlabApi {
  return validatedApi({
    getSystemInfo: () => deps.systemInfo(),
    ...datasetsApi(deps),
    ...experimentsApi(deps),
    ...runsApi(deps),
    ...studyApi(deps),
    ...annotationsApi(deps),
    ...analysisApi(deps),
  });
}

/** The front door of the services: each method parses its input against the contract schema, once. */
export function validatedApi(implementation: ApiImplementation): EpochlabApi {
  const api = {} as Record<ApiMethod, (input: unknown) => Promise<unknown>>;
  for (const method of Object.keys(implementation) as ApiMethod[]) {
    const run = implementation[method] as (input: unknown) => Promise<unknown>;
    api[method] = async (input: unknown) => run(parseApiInput(method, input));
  }
  return api as unknown as EpochlabApi;
}
