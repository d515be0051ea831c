/// <reference types="vite/client" />
import type { EpochlabBridge } from '../src-main/contract/transport';

declare global {
  interface Window {
    /** Present only in the desktop app, where the preload exposes it. */
    epochlab?: EpochlabBridge;
  }
}

declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}
