/**
 * The analysis section of the new-experiment form (contract/analysis.ts) as plain data, and its two
 * conversions: form → spec's `analysis` (left out when it asks for nothing) and spec → form (tolerant).
 */
import {
  lrRangeSchema, noiseScaleSchema, RUN_TYPES, sharpnessSchema,
  type AnalysisSpec, type LrRangeSpec, type NoiseScaleSpec, type RunType, type SharpnessSpec,
} from '../contract';

export interface AnalysisForm {
  runType: RunType;
  noiseScale: NoiseScaleSpec & { enabled: boolean };
  sharpness: SharpnessSpec & { enabled: boolean };
  lrRange: LrRangeSpec;
}

export function defaultAnalysisForm(): AnalysisForm {
  return {
    runType: 'train',
    noiseScale: { enabled: false, ...noiseScaleSchema.parse({}) },
    sharpness: { enabled: false, ...sharpnessSchema.parse({}) },
    lrRange: lrRangeSchema.parse({}),
  };
}

export function analysisFormToSpec(form: AnalysisForm): Partial<AnalysisSpec> | undefined {
  const { enabled: noiseOn, ...noiseScale } = form.noiseScale;
  const { enabled: sharpOn, ...sharpness } = form.sharpness;
  if (form.runType === 'lr-range-test') return { runType: 'lr-range-test', lrRange: { ...form.lrRange } };
  if (!noiseOn && !sharpOn) return undefined;
  return { runType: 'train', ...(noiseOn ? { noiseScale } : {}), ...(sharpOn ? { sharpness } : {}) };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Known numeric fields of a loaded object over the defaults; the server judges their values. */
function merged<T extends object>(defaults: T, raw: unknown): T {
  const out = { ...defaults } as Record<string, unknown>;
  if (isRecord(raw)) for (const key of Object.keys(defaults)) if (typeof raw[key] === 'number') out[key] = raw[key];
  return out as T;
}

export function analysisSpecToForm(raw: unknown): AnalysisForm {
  const form = defaultAnalysisForm();
  if (!isRecord(raw)) return form;
  if (typeof raw.runType === 'string' && (RUN_TYPES as readonly string[]).includes(raw.runType)) form.runType = raw.runType as RunType;
  if (isRecord(raw.noiseScale)) form.noiseScale = { ...merged(form.noiseScale, raw.noiseScale), enabled: true };
  if (isRecord(raw.sharpness)) form.sharpness = { ...merged(form.sharpness, raw.sharpness), enabled: true };
  if (isRecord(raw.lrRange)) form.lrRange = merged(form.lrRange, raw.lrRange);
  return form;
}
