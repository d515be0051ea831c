import { describe, expect, it } from 'vitest';
import { experimentSpecSchema } from '../../../src-renderer/src/contract';
import { analysisFormToSpec, analysisSpecToForm, defaultAnalysisForm } from '../../../src-renderer/src/form/analysis-form';
import { defaultForm, formToSpec, specToForm } from '../../../src-renderer/src/form/spec-form';

describe('the analysis section of the form', () => {
  it('asks for nothing by default, and leaves the spec without the section', () => {
    expect(analysisFormToSpec(defaultAnalysisForm())).toBeUndefined();
    const form = defaultForm('x');
    form.dataset.id = 'spiral';
    expect(formToSpec(form).spec).not.toHaveProperty('analysis');
  });

  it('turns switches into spec sections the server accepts, with the contract defaults', () => {
    const f = defaultAnalysisForm();
    f.noiseScale.enabled = true;
    f.sharpness.enabled = true;
    f.sharpness.epsilon = 5e-4;
    expect(analysisFormToSpec(f)).toEqual({ runType: 'train', noiseScale: { everySteps: 10, ema: 0.95 }, sharpness: { subset: 1000, iterations: 20, epsilon: 5e-4, ascentSteps: 10 } });
    f.runType = 'lr-range-test';
    // An LR range test carries only its own settings.
    expect(analysisFormToSpec(f)).toEqual({ runType: 'lr-range-test', lrRange: { from: 1e-7, to: 10, iterations: 100, stopFactor: 4, smoothing: 0.98 } });
    const form = defaultForm('x');
    form.dataset.id = 'spiral';
    form.analysis = f;
    expect(experimentSpecSchema.safeParse(formToSpec(form).spec).success).toBe(true);
  });

  it('reads a spec file back: round trip, tolerant of junk', () => {
    const spec = { name: 'x', dataset: { id: 'spiral' }, model: { template: 'mlp' }, analysis: { runType: 'train', sharpness: { subset: 500 } } };
    const { form, warnings } = specToForm(spec);
    expect(warnings).toEqual([]);
    expect(form.analysis.sharpness).toMatchObject({ enabled: true, subset: 500, iterations: 20 });
    expect(form.analysis.noiseScale.enabled).toBe(false);
    expect(formToSpec(form).spec.analysis).toEqual({ runType: 'train', sharpness: { subset: 500, iterations: 20, epsilon: 1e-3, ascentSteps: 10 } });
    expect(analysisSpecToForm({ runType: 'bogus', noiseScale: 'x', lrRange: { from: 'a', to: 5 } })).toMatchObject({ runType: 'train', noiseScale: { enabled: false }, lrRange: { from: 1e-7, to: 5 } });
    expect(analysisSpecToForm(null)).toEqual(defaultAnalysisForm());
  });
});
