/**
 * The service implementation of the contract's API, composed from one module per area. Front doors
 * validate; this validates again (cheap).
 */
import { parseApiInput, type ApiMethod, type EpochlabApi, type SystemInfo } from '../contract';
import type { RunStore } from '../store';
import { analysisApi } from './analysis-api';
import { datasetsApi } from './datasets-api';
import { experimentsApi } from './experiments-api';
import type { ExperimentRunner } from './runner';
import { runsApi } from './runs-api';

export interface ApiDeps {
  store: RunStore;
  runner: ExperimentRunner;
  dataDir: string;
  systemInfo: () => Promise<SystemInfo>;
  /** Why this process may not start, resume or delete experiments (it only reads, or another owns the folder); null when it may. */
  trainingRefusal: string | null;
}

export function createApi(deps: ApiDeps): EpochlabApi {
  const api: EpochlabApi = {
    getSystemInfo: () => deps.systemInfo(),
    ...datasetsApi(deps),
    ...experimentsApi(deps),
    ...runsApi(deps),
    ...analysisApi(deps),
  };
  return validating(api);
}

/** Every method parses its input against the contract schema first, whoever calls it. */
function validating(api: EpochlabApi): EpochlabApi {
  const wrapped = {} as Record<ApiMethod, (input: unknown) => Promise<unknown>>;
  for (const method of Object.keys(api) as ApiMethod[]) {
    const impl = api[method] as (input: unknown) => Promise<unknown>;
    wrapped[method] = async (input: unknown) => impl(parseApiInput(method, input));
  }
  return wrapped as unknown as EpochlabApi;
}
