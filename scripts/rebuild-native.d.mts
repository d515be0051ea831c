// Types for rebuild-native.mjs (electron-builder's beforeBuild hook).
export const SHIPPED_NATIVE_MODULES: string[];
export function beforeBuild(context: { appDir: string; electronVersion?: string; platform?: { nodeName: string }; arch: string }): Promise<false>;
export default beforeBuild;
