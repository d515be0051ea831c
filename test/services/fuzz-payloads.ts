/** Hostile inputs for every API method (docs/reliability.md B2): wrong types, NaN and ±Inf, huge and deep values, prototype keys. */
import { apiInputSchemas, type ApiMethod } from '../../src-main/contract';

export const API_METHODS_FOR_TESTS = Object.keys(apiInputSchemas) as ApiMethod[];

function deep(levels: number, leaf: unknown, wrap: (inner: unknown) => unknown): unknown {
  let value = leaf;
  for (let i = 0; i < levels; i++) value = wrap(value);
  return value;
}

/** [label, payload] pairs; none is a valid input for a method that takes arguments. */
export function fuzzPayloads(validSpec: object): Array<[string, unknown]> {
  const spec = (patch: Record<string, unknown>) => ({ spec: { ...validSpec, ...patch } });
  const params = (patch: Record<string, unknown>) => spec({ params: patch });
  return [
    ['a number', 42],
    ['a string', 'listExperiments'],
    ['an array', [1, 2]],
    ['NaN id', { experimentId: Number.NaN, runId: Number.NaN }],
    ['Infinity id', { experimentId: Infinity, runId: -Infinity }],
    ['string id', { experimentId: '1', runId: '1' }],
    ['fractional id', { experimentId: 1.5, runId: 2.5 }],
    ['infinite run ids', { runIds: [Infinity], series: 'loss' }],
    ['huge run id list', { runIds: Array.from({ length: 100_000 }, (_, i) => i + 1) }],
    ['NaN maxPoints', { runIds: [1], maxPoints: Number.NaN }],
    ['unknown format', { experimentId: 1, format: 'x'.repeat(1_000_000) }],
    ['extra keys', { experimentId: 1, runId: 1, extra: true }],
    ['__proto__ at the top', JSON.parse('{"__proto__": {"polluted": 1}, "experimentId": 1}')],
    ['__proto__ in the spec', JSON.parse(`{"spec": ${JSON.stringify({ ...validSpec, __proto__: null }).replace(/^\{/, '{"__proto__": {"polluted": 1},')}}`)],
    ['constructor.prototype', { constructor: { prototype: { polluted: 1 } }, spec: { constructor: { prototype: { polluted: 1 } } } }],
    ['NaN learning rate', params({ learningRate: Number.NaN })],
    ['Infinity epochs', params({ epochs: Infinity })],
    ['-Infinity range', params({ learningRate: { from: -Infinity, to: 0.1, steps: 3 } })],
    ['NaN steps', params({ learningRate: { from: 0.01, to: 0.1, steps: Number.NaN } })],
    ['huge list', params({ learningRate: Array(1_000_000).fill(0.1) })],
    ['list of 1000 strings per field', params({ learningRate: Array(1000).fill('a'), batchSize: Array(1000).fill('b'), epochs: Array(1000).fill(null) })],
    ['10^6 trials', params({ learningRate: { from: 1e-5, to: 1, steps: 100, scale: 'log' }, batchSize: { from: 1, to: 1000, steps: 100 }, epochs: { from: 1, to: 100, steps: 100 } })],
    // 10^4, not 10^5: listing an object's keys is what costs there, and HTTP bodies are bounded before parsing.
    ['10^4 unknown keys', params(Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i])))],
    ['a 10 MB name', spec({ name: 'n'.repeat(10_000_000) })],
    ['deep objects', spec({ dataset: deep(100_000, 1, (inner) => ({ id: inner })) })],
    ['deep arrays', params({ batchSize: deep(100_000, 1, (inner) => [inner]) })],
    ['negative batch range', params({ batchSize: { from: -5, to: -1, steps: 2 } })],
    ['string numbers', params({ learningRate: '0.1', batchSize: '32' })],
  ];
}
