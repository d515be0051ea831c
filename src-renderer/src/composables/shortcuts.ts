/**
 * Keyboard shortcuts for the common moves. App.vue listens once; a view that gives a key a meaning of its
 * own (the run table's filter for `/`, the experiment's Compare for `c`) registers a handler for as long as
 * it is mounted. Keys typed into a field are left alone, except Escape, which leaves the field.
 */
import { onBeforeUnmount, onMounted } from 'vue';

export type ShortcutAction = 'new' | 'list' | 'compare' | 'search' | 'help';

/** The keys, in the order the help overlay and the README list them. */
export const SHORTCUTS: ReadonlyArray<{ key: string; action: ShortcutAction; description: string }> = [
  { key: 'n', action: 'new', description: 'New experiment (a fresh form)' },
  { key: 'l', action: 'list', description: 'Go to the list of experiments' },
  { key: 'c', action: 'compare', description: 'Compare: the selected runs of this experiment, or this run with its experiment' },
  { key: '/', action: 'search', description: 'Focus the filter of this page' },
  { key: '?', action: 'help', description: 'Show or hide this help' },
];

type Handler = () => void;
const handlers = new Map<ShortcutAction, Handler[]>();

/** Gives `action` a meaning while the calling component is mounted; the latest mounted one wins. */
export function useShortcut(action: ShortcutAction, handler: Handler): void {
  onMounted(() => handlers.set(action, [...(handlers.get(action) ?? []), handler]));
  onBeforeUnmount(() => handlers.set(action, (handlers.get(action) ?? []).filter((h) => h !== handler)));
}

/** Runs the innermost handler for `action`; false when nothing on screen handles it. */
export function runShortcut(action: ShortcutAction): boolean {
  const list = handlers.get(action);
  const handler = list?.[list.length - 1];
  if (!handler) return false;
  handler();
  return true;
}

function isTyping(target: EventTarget | null): boolean {
  if (typeof HTMLElement === 'undefined' || !(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/** The action a key press asks for, or null (modified keys, keys typed into a field, unknown keys). */
export function shortcutFor(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'target'>): ShortcutAction | null {
  if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return null;
  return SHORTCUTS.find((s) => s.key === event.key)?.action ?? null;
}

/** Escape in a field leaves it, so the next key is a shortcut again. */
export function leaveFieldOnEscape(event: KeyboardEvent): boolean {
  if (event.key !== 'Escape' || !isTyping(event.target)) return false;
  (event.target as HTMLElement).blur();
  return true;
}
