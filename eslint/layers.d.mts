// Types of eslint/layers.mjs, for the tests that check the table.
import type { ESLint } from 'eslint';

export interface Layer {
  readonly name: string;
  /** Folders (every file below) or single files, relative to the project root. */
  readonly paths: readonly string[];
  readonly mayImport: readonly string[];
  readonly packages?: readonly string[];
  /** When set, other layers may import (other than type-only) only this file of the layer. */
  readonly entry?: string;
}
export const LAYERS: readonly Layer[];
export const PACKAGES: readonly string[];
export function layerOf(path: string): Layer | undefined;
export function mayImport(from: Layer, to: Layer): boolean;
export const layersPlugin: ESLint.Plugin;
