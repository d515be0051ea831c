import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CNN_PARAM_DEFAULTS, FIELD_LIMITS, SPEC_DEFAULTS, experimentSpecSchema, paramsSchema } from '../../../src-renderer/src/contract';
import { PARAMS, describeLimits } from '../../../src-renderer/src/form/params';
import { DEMO_SPEC } from '../../../src-renderer/src/form/demo';
import { FIELD_PATHS, SCHEDULE_FIELDS, defaultForm, formToSpec, issuesByField, localIssues, specToForm } from '../../../src-renderer/src/form/spec-form';

describe('formToSpec', () => {
  it('turns the default form (with a dataset) into a spec the contract accepts', () => {
    const form = defaultForm('sweep');
    form.dataset.id = 'spiral';
    const { spec, issues } = formToSpec(form);
    expect(issues).toEqual([]);
    const parsed = experimentSpecSchema.safeParse(spec);
    expect(parsed.success).toBe(true);
    // The blank form is the schema's defaults, exactly: what the CLI trains for a spec that says nothing.
    const defaults = experimentSpecSchema.parse({ name: 'sweep', dataset: { id: 'spiral' }, model: { template: 'mlp' } });
    expect(parsed.data).toEqual(defaults);
    expect(spec.params?.batchSize).toBe(paramsSchema.parse({}).batchSize);
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
    // Schedule options are rendered from a list of keys: each key must be in it.
    const schedule = 'training.scheduleOptions.';
    const missing = FIELD_PATHS.filter((p) => !p.startsWith('params.') && (p.startsWith(schedule) ? !view.includes(`key: '${p.slice(schedule.length)}'`) : !view.includes(`'${p}'`)));
    expect(missing).toEqual([]);
    expect(view).toContain('`training.scheduleOptions.${field.key}`');
    expect(SCHEDULE_FIELDS).toEqual(Object.keys(SPEC_DEFAULTS.scheduleOptions));
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
    expect(grouped['training.scheduleOptions.gamma']).toEqual(['bad gamma']);
    expect(issuesByField([{ path: 'training.scheduleOptions', message: 'bad options' }]).training).toEqual(['bad options']);
  });
});

describe('localIssues', () => {
  it('reports every field the schema refuses at once, next to the unreadable ones', () => {
    const form = defaultForm('');
    form.dataset.id = 'spiral';
    form.params.batchSize = '16, 0';
    form.params.learningRate = '-1';
    form.params.epochs = 'ten';
    form.mlp.dropout = 2;
    form.validationSplit = 0.95;
    const grouped = issuesByField(localIssues(formToSpec(form)));
    expect(grouped.name).toEqual(['give the experiment a name']);
    expect(grouped['params.batchSize']).toEqual(['batch size must be at least 1']);
    expect(grouped['params.learningRate']).toEqual(['learning rate must be greater than 0']);
    expect(grouped['params.epochs']?.[0]).toMatch(/"ten" is not a number/);
    expect(grouped['model.dropout']).toEqual(['dropout must be at most 0.9']);
    expect(grouped['validation.split']).toEqual(['validation split must be between 0 and 0.9']);
  });

  it('has nothing to say about the default form with a dataset', () => {
    const form = defaultForm('ok');
    form.dataset.id = 'spiral';
    expect(localIssues(formToSpec(form))).toEqual([]);
  });
});

describe('form fields read from the schema', () => {
  it('CNN placeholders name the defaults the preview trains with, and help states the schema limits', () => {
    for (const [name, value] of Object.entries(CNN_PARAM_DEFAULTS)) {
      expect(PARAMS.find((p) => p.name === name)?.example).toBe(`blank = ${value}`);
    }
    const batch = PARAMS.find((p) => p.name === 'batchSize')!;
    expect(batch.help).toContain(describeLimits(FIELD_LIMITS['params.batchSize']).replace(/^./, (c) => c.toUpperCase()));
    expect(describeLimits(FIELD_LIMITS['params.learningRate'])).toBe('more than 0, at most 1000000');
    expect(describeLimits(FIELD_LIMITS['params.epochs'])).toMatch(/^1 to \d+ \(whole numbers\)$/);
    expect(FIELD_LIMITS['model.dropout']).toEqual({ min: 0, minExclusive: false, max: 0.9, integer: false });
  });
});
