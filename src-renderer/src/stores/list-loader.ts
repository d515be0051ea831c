/** The state every list store keeps (items, loaded, loading, error) and the one way to (re)load it. */
import { ref, type Ref } from 'vue';
import { toApiError } from '../api/errors';
import { useConnectionStore } from './connection';

export interface ListLoader<T> {
  items: Ref<T[]>;
  loaded: Ref<boolean>;
  loading: Ref<boolean>;
  error: Ref<string | null>;
  load(): Promise<void>;
}

export function useListLoader<T>(fetch: () => Promise<T[]>): ListLoader<T> {
  const items = ref<T[]>([]) as Ref<T[]>;
  const loaded = ref(false);
  const loading = ref(false);
  const error = ref<string | null>(null);

  async function load(): Promise<void> {
    loading.value = true;
    try {
      items.value = await fetch();
      loaded.value = true;
      error.value = null;
    } catch (e) {
      useConnectionStore().reportError(e);
      error.value = toApiError(e).message;
    } finally {
      loading.value = false;
    }
  }

  return { items, loaded, loading, error, load };
}
