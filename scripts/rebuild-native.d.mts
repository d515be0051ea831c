// Types for rebuild-native.mjs (electron-builder's beforePack hook).
export const SHIPPED_NATIVE_MODULES: Record<string, string>;
export const ARCH_NAMES: string[];
export interface PackContext {
  packager: { info: { appDir: string }; config: { electronVersion?: string } };
  electronPlatformName: string;
  arch: number;
}
export function builtAbi(file: string): number | null;
export function beforePack(context: PackContext): Promise<void>;
export default beforePack;
