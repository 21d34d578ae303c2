/**
 * The kernel comm messages (mlwa_notebook/kernel/protocol.py): the guard of what comes in and
 * the shape of what goes out.
 */
import { isObject } from './json';
import { ILiveCellsMessage, ISetMetadataMessage, PROTOCOL_VERSION } from './tokens';

/**
 * Whether a comm message from the kernel is a `set_metadata` message we understand: its shape
 * has not changed since version 1, so a kernel of any version up to ours is read.
 */
export function isSetMetadataMessage(data: unknown): data is ISetMetadataMessage {
  const version = isObject(data) ? data['version'] : undefined;
  return (
    isObject(data) &&
    data['action'] === 'set_metadata' &&
    (version === undefined ||
      (typeof version === 'number' && version >= 1 && version <= PROTOCOL_VERSION)) &&
    (data['cells'] === undefined || isObject(data['cells'])) &&
    (data['notebook'] === undefined || isObject(data['notebook']))
  );
}

/** The live-cells message for the kernel: cells without outputs, the notebook's metadata. */
export function liveCellsMessage(path: string, notebook: unknown): ILiveCellsMessage {
  const nb = isObject(notebook) ? notebook : {};
  const cells = Array.isArray(nb['cells']) ? nb['cells'] : [];
  return {
    action: 'live_cells',
    version: PROTOCOL_VERSION,
    path,
    cells: cells.filter(isObject).map(cell => {
      const { outputs: _outputs, attachments: _attachments, ...rest } = cell;
      return rest;
    }),
    metadata: isObject(nb['metadata']) ? nb['metadata'] : {}
  };
}
