/** A tiny typed event hub: the services publish, every front door subscribes. */
import type { EpochlabEvent, EventListener } from '../contract';

export class EventHub {
  private readonly listeners = new Set<EventListener>();

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: EpochlabEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // One broken subscriber (a closed socket, say) must not stop the others or the training.
      }
    }
  }
}
