import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { experimentSpecSchema } from '../../../src-renderer/src/contract';
import { DEMO_SPEC } from '../../../src-renderer/src/form/demo';
import { FIELD_PATHS, defaultForm, formToSpec, issuesByField, specToForm } from '../../../src-renderer/src/form/spec-form';

describe('formToSpec', () => {
  it('turns the default form (with a dataset) into a spec the contract accepts', () => {
    const form = defaultForm('sweep');
    form.dataset.id = 'spiral';
    const { spec, issues } = formToSpec(form);
    expect(issues).toEqual([]);
    const parsed = experimentSpecSchema.safeParse(spec);
    expect(parsed.success).toBe(true);
    expect(spec.params?.batchSize).toEqual([16, 64, 256]);
    // MLP: no CNN-only params may be sent (the server refuses them).
    expect(Object.keys(spec.params ?? {})).not.toContain('kernelSize');
  });

  it('sends CNN params only when the template is CNN, and blank ones not at all', () => {
    const form = defaultForm('cnn');
    form.dataset.id = 'mnist-10k';
    form.template = 'cnn';
    form.params.kernelSize = '3, 5';
    const { spec, issues } = formToSpec(form);
    expect(issues).toEqual([]);
    expect(spec.params?.kernelSize).toEqual([3, 5]);
    expect(spec.params && 'filters' in spec.params).toBe(false);
    expect(experimentSpecSchema.safeParse(spec).success).toBe(true);
  });

  it('reports unreadable fields by spec path', () => {
    const form = defaultForm('x');
    form.params.batchSize = '16, abc';
    form.params.optimizer = 'adamw';
    form.mlp.hidden = '64, -3';
    const { issues } = formToSpec(form);
    expect(issues.map((i) => i.path).sort()).toEqual(['model.hidden', 'params.batchSize', 'params.optimizer']);
  });

  it('writes early stopping and random search only when chosen', () => {
    const form = defaultForm('x');
    form.dataset.id = 'spiral';
    expect(formToSpec(form).spec.training?.earlyStopping).toBeUndefined();
    form.earlyStopping.enabled = true;
    form.earlyStopping.patience = 4;
    form.search = { ...form.search, method: 'random', trials: 12, seed: 3 };
    const { spec } = formToSpec(form);
    expect(spec.training?.earlyStopping).toEqual({ monitor: 'val_loss', patience: 4, minDelta: 0, restoreBest: true });
    expect(spec.search).toEqual({ method: 'random', trials: 12, seed: 3 });
    expect(spec.pruning).toBeUndefined();
    expect(spec.objective).toBeUndefined();
    expect(experimentSpecSchema.safeParse(spec).success).toBe(true);
  });

  it('writes TPE with Optuna\'s defaults, an objective and a pruner when chosen', () => {
    const form = defaultForm('x');
    form.dataset.id = 'spiral';
    form.search.method = 'tpe';
    form.objective = { monitor: 'val_accuracy', direction: 'auto' };
    form.pruning.method = 'median';
    const { spec } = formToSpec(form);
    expect(spec.search).toEqual({ method: 'tpe', trials: 20, seed: 0, startupTrials: 10, candidates: 24, multivariate: true });
    expect(spec.objective).toEqual({ monitor: 'val_accuracy' });
    expect(spec.pruning).toEqual({ method: 'median', startupTrials: 5, warmupEpochs: 0, intervalEpochs: 1 });
    expect(experimentSpecSchema.safeParse(spec).success).toBe(true);
    form.pruning.method = 'asha';
    expect(formToSpec(form).spec.pruning).toEqual({ method: 'asha', minEpochs: 1, reductionFactor: 3, minEarlyStoppingRate: 0 });
  });
});

describe('specToForm', () => {
  it('round-trips a spec through the form unchanged (save → load → save)', () => {
    const form = defaultForm('round trip');
    form.dataset = { id: 'spiral', size: 600, noise: 0.2, seed: null, classes: 3, limit: null };
    form.params.learningRate = '0.0001 .. 0.1 × 4 log';
    form.earlyStopping.enabled = true;
    form.training.dropLastBatch = true;
    form.search = { method: 'tpe', trials: 40, seed: 5, startupTrials: 8, candidates: 32, multivariate: false };
    form.objective = { monitor: 'val_accuracy', direction: 'maximize' };
    form.pruning = { ...form.pruning, method: 'asha', minEpochs: 2, reductionFactor: 4 };
    const first = formToSpec(form).spec;
    const loaded = specToForm(JSON.parse(JSON.stringify(first)));
    expect(loaded.warnings).toEqual([]);
    expect(formToSpec(loaded.form).spec).toEqual(first);
  });

  it('keeps what the form has no field for (a validation file, plateau stopping)', () => {
    const raw = {
      ...DEMO_SPEC,
      validation: { dataset: { id: 'my-val' } },
      training: { plateau: { patience: 7, minDelta: 0.001 } },
    };
    const { form } = specToForm(raw);
    const { spec } = formToSpec(form);
    expect(spec.validation).toEqual({ dataset: { id: 'my-val' } });
    expect(spec.training?.plateau).toEqual({ patience: 7, minDelta: 0.001 });
  });

  it('uses the spec defaults for absent params, like the CLI, and warns about unknown keys', () => {
    const { form, warnings } = specToForm({ name: 'n', dataset: { id: 'iris' }, model: { template: 'mlp' }, bogus: 1, params: { lr: 1 } });
    expect(form.params.batchSize).toBe('32');
    expect(form.params.epochs).toBe('5');
    expect(warnings).toEqual(['ignored unknown key "bogus"', 'ignored unknown parameter "lr"']);
    expect(specToForm('nope').warnings[0]).toMatch(/not a JSON object/);
  });

  it('loads the demo spec into a valid spec', () => {
    const { spec, issues } = formToSpec(specToForm(DEMO_SPEC).form);
    expect(issues).toEqual([]);
    expect(experimentSpecSchema.safeParse(spec).success).toBe(true);
    expect(spec.params?.batchSize).toEqual([16, 64, 256]);
  });
});

describe('issuesByField', () => {
  it('sends each API issue to the most specific field, with or without the spec. prefix', () => {
    const grouped = issuesByField([
      { path: 'spec.params.batchSize.2', message: 'batch size must be at least 1' },
      { path: 'params.learningRate.from', message: 'a log range needs from and to greater than 0' },
      { path: 'spec.training.earlyStopping.monitor', message: 'needs a validation set' },
      { path: 'params', message: 'this grid has 10,000 trials' },
      { path: 'spec.model.hidden.0', message: 'units must be at least 1' },
      { path: '(root)', message: 'something else' },
      { path: 'spec.params.batchSize.3', message: 'batch size must be at least 1' },
    ]);
    expect(grouped['params.batchSize']).toEqual(['batch size must be at least 1']);
    expect(grouped['params.learningRate']).toEqual(['a log range needs from and to greater than 0']);
    expect(grouped['training.earlyStopping.monitor']).toEqual(['needs a validation set']);
    expect(grouped.params).toEqual(['this grid has 10,000 trials']);
    expect(grouped['model.hidden']).toEqual(['units must be at least 1']);
    expect(grouped['']).toEqual(['something else']);
  });
});

describe('FIELD_PATHS', () => {
  it('lists only paths the form actually displays (an unlisted path falls back to a parent, never into a void)', () => {
    const view = ['NewExperimentView.vue', '../components/DatasetPicker.vue', '../components/SearchFields.vue', '../components/analysis/AnalysisFields.vue']
      .map((f) => readFileSync(new URL(`../../../src-renderer/src/views/${f}`, import.meta.url), 'utf8'))
      .join('\n');
    const missing = FIELD_PATHS.filter((p) => !p.startsWith('params.') && !view.includes(`'${p}'`));
    expect(missing).toEqual([]);
    expect(view).toContain('`params.${meta.name}`');
  });

  it('sends issues on undisplayed fields to a displayed parent or the general list', () => {
    const grouped = issuesByField([
      { path: 'spec.model.padding', message: 'bad padding' },
      { path: 'search.method', message: 'bad method' },
      { path: 'training.scheduleOptions.gamma', message: 'bad gamma' },
    ]);
    expect(grouped.model).toEqual(['bad padding']);
    expect(grouped.search).toEqual(['bad method']);
    expect(grouped.training).toEqual(['bad gamma']);
  });
});
