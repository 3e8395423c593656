/** Named stand-in views for the URLconf tests (never called: resolution only returns them). */
import type { AnyView } from '../../../lib/framework/urls/index.js';

export function makeView(name: string): AnyView {
  const view = (): never => {
    throw new Error(`${name} is a test view and is never called`);
  };
  Object.defineProperty(view, 'name', { value: name });
  return view;
}
