/**
 * What of a notebook travels to the server: the analysis reads text outputs only.
 */
import { isObject } from './json';

/**
 * A notebook's JSON for sending: outputs keep their text only (`text/*` mime data and streams),
 * so images and widget state do not travel; the analysis reads text outputs only.
 */
export function trimOutputs<T>(notebook: T): T {
  if (!isObject(notebook) || !Array.isArray(notebook['cells'])) {
    return notebook;
  }
  const cells = notebook['cells'].map(cell => {
    if (!isObject(cell) || !Array.isArray(cell['outputs'])) {
      return cell;
    }
    const outputs = cell['outputs'].map(output => {
      if (!isObject(output) || !isObject(output['data'])) {
        return output;
      }
      const data = Object.fromEntries(
        Object.entries(output['data']).filter(([mime]) => mime.startsWith('text/'))
      );
      return { ...output, data };
    });
    return { ...cell, outputs };
  });
  return { ...notebook, cells } as T;
}
