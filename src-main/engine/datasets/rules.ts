/**
 * Whether a spec's data can be trained on: the one home of these rules (F4). The services apply them to the
 * planned split before an experiment is created (from dataset descriptions, without loading data), and the
 * worker applies the same rules to the data it actually loaded, so both refuse with the same words.
 */
import { stratifiedValidationCounts, type DatasetInfo, type FieldIssue, type ModelSpec, type ValidationSpec } from '../../contract';

/** What the rules look at: the training rows per class after the split, and the validation rows. */
export interface DataFacts {
  train: Pick<DatasetInfo, 'id' | 'name' | 'inputShape' | 'classNames'>;
  trainClassCounts: readonly number[];
  /** The separate validation dataset, when the spec names one. */
  validation: Pick<DatasetInfo, 'id' | 'name' | 'inputShape' | 'classNames'> | null;
  validationClassCounts: readonly number[];
}

const sum = (counts: readonly number[]) => counts.reduce((a, b) => a + b, 0);
const shape = (s: readonly number[]) => `[${s.join(', ')}]`;

/** Facts of the split the spec plans, from descriptions: what the worker will load if the files are unchanged. */
export function plannedFacts(validation: ValidationSpec, train: DatasetInfo, validationSet: DatasetInfo | undefined): DataFacts {
  if ('split' in validation) {
    const valCounts = stratifiedValidationCounts(train.classCounts, validation.split);
    return {
      train, validation: null,
      trainClassCounts: train.classCounts.map((n, k) => n - valCounts[k]),
      validationClassCounts: valCounts,
    };
  }
  return {
    train, validation: validationSet ?? null,
    trainClassCounts: train.classCounts,
    validationClassCounts: validationSet?.classCounts ?? [],
  };
}

/** Every reason the data cannot be trained on, each at the spec field to change (paths relative to the spec). */
export function dataIssues(facts: DataFacts, model: Pick<ModelSpec, 'template'>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const { train } = facts;
  const nTrain = sum(facts.trainClassCounts);
  if (nTrain === 0) {
    issues.push(
      sum(facts.validationClassCounts) > 0 && facts.validation === null
        ? { path: 'validation.split', message: `the split leaves no training rows of ${train.name}` }
        : { path: 'dataset.id', message: `dataset ${train.name} is empty: there is nothing to train on` },
    );
  } else {
    const present = facts.trainClassCounts.flatMap((n, k) => (n > 0 ? [k] : []));
    if (present.length < 2) {
      const only = train.classNames[present[0]] ?? String(present[0]);
      issues.push({ path: 'dataset.id', message: `the training data of ${train.name} holds only one class (${JSON.stringify(only)}); a classifier needs at least two` });
    }
  }
  if (model.template === 'cnn' && train.inputShape.length !== 3) {
    issues.push({ path: 'model.template', message: `the CNN template needs image data; ${train.name} has samples of shape ${shape(train.inputShape)} — use the MLP template` });
  }
  if (facts.validation !== null) issues.push(...validationSetIssues(train, facts.validation, facts.validationClassCounts));
  return issues;
}

/** A separate validation dataset must have the training samples' shape and only classes the training data has. */
export function validationSetIssues(
  train: Pick<DatasetInfo, 'name' | 'inputShape' | 'classNames'>,
  validation: Pick<DatasetInfo, 'name' | 'inputShape' | 'classNames'>,
  validationClassCounts: readonly number[],
): FieldIssue[] {
  const path = 'validation.dataset.id';
  if (sum(validationClassCounts) === 0) return [{ path, message: `the validation dataset ${validation.name} is empty; use split 0 to train without validation` }];
  if (validation.inputShape.join() !== train.inputShape.join()) {
    return [{ path, message: `validation dataset ${validation.name} has samples of shape ${shape(validation.inputShape)}, the training dataset ${train.name} has ${shape(train.inputShape)}` }];
  }
  const known = new Set(train.classNames);
  const foreign = validation.classNames.filter((name, k) => validationClassCounts[k] > 0 && !known.has(name));
  if (foreign.length) {
    return [{ path, message: `validation dataset ${validation.name} has class ${JSON.stringify(foreign[0])}, which the training dataset ${train.name} lacks (its classes: ${train.classNames.join(', ')})` }];
  }
  return [];
}

/** The issues as one sentence, for refusals that are not answered field by field (the worker's). */
export function describeIssues(issues: readonly FieldIssue[]): string {
  return issues.map((i) => i.message).join('; ');
}
