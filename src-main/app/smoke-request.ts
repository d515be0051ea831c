/**
 * Whether this start is the smoke test (docs/reliability.md A5). Kept apart from ./smoke.ts so the app's
 * entry can decide without loading the smoke test's code.
 */
export const SMOKE_TEST_FLAG = '--smoke-test';
export const SMOKE_TEST_ENV = 'EPOCHLAB_SMOKE_TEST';
/** `--smoke-test-report=FILE` also writes the JSON line to FILE (a Windows GUI binary may have no stdout). */
export const SMOKE_REPORT_FLAG = '--smoke-test-report';

export interface SmokeRequest {
  reportFile: string | null;
}

/** Null unless the smoke test was asked for, by flag or by EPOCHLAB_SMOKE_TEST=1. */
export function smokeTestRequest(argv: readonly string[], env: NodeJS.ProcessEnv): SmokeRequest | null {
  const asked = argv.includes(SMOKE_TEST_FLAG) || env[SMOKE_TEST_ENV] === '1';
  if (!asked) return null;
  const report = argv.find((arg) => arg.startsWith(`${SMOKE_REPORT_FLAG}=`));
  const reportFile = report ? report.slice(SMOKE_REPORT_FLAG.length + 1) : '';
  return { reportFile: reportFile === '' ? null : reportFile };
}
